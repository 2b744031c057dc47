package helm

import (
	"strings"
	"testing"
)

// The image policy renders one rule per requirement; a requirement turned off drops its rules
// and says why in an annotation.
func TestImagePolicyRequirements(t *testing.T) {
	policy := func(t *testing.T, overrides ...string) (string, map[string]any) {
		t.Helper()
		for _, o := range mustRender(t, policiesChart, policiesCIValues, overrides...) {
			if o.Kind == "ImageValidatingPolicy" {
				md := o.Fields["metadata"].(map[string]any)
				ann, _ := md["annotations"].(map[string]any)
				return string(o.JSON), ann
			}
		}
		t.Fatal("no ImageValidatingPolicy")
		return "", nil
	}
	all, ann := policy(t)
	for _, want := range []string{"signature: an image is not signed", "SBOM: an image has no SPDX SBOM",
		"provenance: an image has no SLSA provenance", "was not built by https://github.com/devsecops-reference/taskboard/ci/release",
		"was not built from https://github.com/devsecops-reference/taskboard", "no vulnerability scan attestation",
		"no OpenVEX attestation", "older than 168h", `duration(\"168h\")`, `[\"HIGH\",\"CRITICAL\"]`, "HIGH or CRITICAL finding"} {
		if !strings.Contains(all, want) {
			t.Errorf("the policy lacks %q", want)
		}
	}
	for k := range ann {
		if strings.HasPrefix(k, "taskboard.dev/waived-") {
			t.Errorf("nothing is waived, yet %s", k)
		}
	}

	waived, ann := policy(t, `verifyImageSignatures: {requirements: {sbom: {enabled: false, reason: "SBOMs are published to the asset inventory instead"}, provenance: {builderId: "https://ci.example.com/taskboard"}}}`)
	if strings.Contains(waived, "SBOM:") || strings.Contains(waived, "attestations.sbom") {
		t.Error("the SBOM rules are still there")
	}
	if ann["taskboard.dev/waived-sbom"] != "SBOMs are published to the asset inventory instead" {
		t.Errorf("annotations = %v", ann)
	}
	if !strings.Contains(waived, "was not built by https://ci.example.com/taskboard") || !strings.Contains(waived, "signature: an image is not signed") {
		t.Error("the configured builder id or the other requirements are missing")
	}
}

// Production enforces every requirement through the transparency log: nothing waived, every
// attestor checks the log, and a private log's TUF repository reaches every attestor.
func TestProductionEnforcesEveryRequirementThroughTheLog(t *testing.T) {
	attestors := func(t *testing.T, overrides ...string) ([]any, map[string]any) {
		t.Helper()
		for _, o := range mustRender(t, policiesChart, policiesProdValues, overrides...) {
			if o.Kind == "ImageValidatingPolicy" {
				md := o.Fields["metadata"].(map[string]any)
				ann, _ := md["annotations"].(map[string]any)
				return o.Fields["spec"].(map[string]any)["attestors"].([]any), ann
			}
		}
		t.Fatal("no ImageValidatingPolicy")
		return nil, nil
	}
	atts, ann := attestors(t)
	for k := range ann {
		if strings.HasPrefix(k, "taskboard.dev/waived-") {
			t.Errorf("production waives %s", k)
		}
	}
	for _, a := range atts {
		cosign := a.(map[string]any)["cosign"].(map[string]any)
		ctlog := cosign["ctlog"].(map[string]any)
		if ctlog["insecureIgnoreTlog"] != false || ctlog["url"] != "https://rekor.sigstore.dev" {
			t.Errorf("attestor %v does not require the public-good log: %v", a.(map[string]any)["name"], ctlog)
		}
		if _, ok := cosign["tuf"]; ok {
			t.Error("the public-good log needs no TUF repository of its own, yet one is set")
		}
	}

	private, _ := attestors(t, `verifyImageSignatures: {publicKeys: ["-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEpNj5jF2IxCj3Cazg+mQ2aZbBsgTF\n8mx01DieJ1DL2F0pQ1r9rEwbBJla9tQoNIiijabwkqrGJaqK+MDeRMjKrw==\n-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEpNj5jF2IxCj3Cazg+mQ2aZbBsgTF\n8mx01DieJ1DL2F0pQ1r9rEwbBJla9tQoNIiijabwkqrGJaqK+MDeRMjKrw==\n-----END PUBLIC KEY-----"], transparencyLog: {url: "https://rekor.example.com", tuf: {mirror: "https://tuf.example.com", root: "eyJzaWduZWQiOnt9fQ=="}}}`)
	if len(private) != 2 {
		t.Fatalf("%d attestors for two keys", len(private))
	}
	for _, a := range private {
		cosign := a.(map[string]any)["cosign"].(map[string]any)
		tuf, _ := cosign["tuf"].(map[string]any)
		root, _ := tuf["root"].(map[string]any)
		if cosign["ctlog"].(map[string]any)["url"] != "https://rekor.example.com" || tuf["mirror"] != "https://tuf.example.com" || root["data"] != "eyJzaWduZWQiOnt9fQ==" {
			t.Errorf("attestor %v lacks the private log or its TUF repository: %v", a.(map[string]any)["name"], cosign)
		}
	}
}
