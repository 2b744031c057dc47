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
