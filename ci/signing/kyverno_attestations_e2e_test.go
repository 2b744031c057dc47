package signing

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// End to end without a cluster, like the signature test: images in a registry started by the
// test, given every attestation the release attaches or all but one, checked by the Kyverno CLI
// against the chart's verify-image-signatures policy with every requirement on.
//
// The CLI is Kyverno 1.19.1 with the one-line fix of kyverno/kyverno#17109
// (scripts/tool-kyverno-attestations.sh): the released 1.19.1 cannot verify an attestation signed
// by key without a transparency log at all, which TestReleasedKyvernoRefusesKeyedAttestations
// pins. Everything else (the policy, its CEL, the attestations, the registry) is what runs.
func TestKyvernoRequiresEveryAttestation(t *testing.T) {
	root := repositoryRoot(t)
	kyverno := kyvernoAttestationsCLI(t, root)
	host, reg := plainRegistry(t), Registry{}
	signer, release := newSigner(t)
	spdx := syftSBOM(t, "spdx")
	ctx := context.Background()

	// image pushes an image with the signature and the attestations named in with, each made by
	// the release's own packages; edit may replace a predicate.
	type predicates map[PredicateKind][]byte
	image := func(t *testing.T, signed bool, edit func(ref string, p predicates)) string {
		t.Helper()
		ref := pushRandomImage(t, host, reg, "taskboard-backend")
		if signed {
			if _, err := signer.SignImage(ctx, ref, reg, nil); err != nil {
				t.Fatal(err)
			}
		}
		p := predicates{
			SPDXJSON:        spdx,
			SLSAProvenance1: provenanceOf(t, testBuilderID, testRepository),
			Vuln:            vulnOf(t, time.Now().Add(-time.Hour)),
			OpenVEX:         vexOf(t, ref, reportHigh, reportCrit),
		}
		if edit != nil {
			edit(ref, p)
		}
		for kind, data := range p {
			if data == nil {
				continue
			}
			if err := signer.AttestImage(ctx, ref, reg, kind, data); err != nil {
				t.Fatalf("attest %s: %v", kind, err)
			}
		}
		return ref
	}
	without := func(kind PredicateKind) func(string, predicates) {
		return func(_ string, p predicates) { p[kind] = nil }
	}

	dir := t.TempDir()
	writePolicy := func(name string, edit func(map[string]any)) string {
		policy := renderVerifyImageSignatures(t, filepath.Join(root, "helm/policies"), func(values map[string]any) {
			setPolicy(values, string(release.PublicKeyPEM), host)
			if edit != nil {
				edit(values)
			}
		})
		file := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(file, policy, 0o644); err != nil {
			t.Fatal(err)
		}
		return file
	}
	everything := writePolicy("everything", nil)
	sbomWaived := writePolicy("sbom-waived", func(values map[string]any) {
		requirement(values, "sbom")["enabled"] = false
		requirement(values, "sbom")["reason"] = "this cluster runs images whose SBOM is published elsewhere"
	})

	for _, tc := range []struct {
		name    string
		policy  string
		signed  bool
		edit    func(string, predicates)
		refusal string // "" = admitted; else a message the refusal must contain
	}{
		{"complete", everything, true, nil, ""},
		{"unsigned", everything, false, nil, "signature: an image is not signed"},
		{"no-sbom", everything, true, without(SPDXJSON), "SBOM: an image has no SPDX SBOM attestation"},
		{"no-provenance", everything, true, without(SLSAProvenance1), "provenance: an image has no SLSA provenance attestation"},
		{"no-vuln-scan", everything, true, without(Vuln), "vulnerabilities: an image has no vulnerability scan attestation"},
		{"no-vex", everything, true, without(OpenVEX), "vulnerabilities: an image has no OpenVEX attestation"},
		{"wrong-builder", everything, true, func(_ string, p predicates) {
			p[SLSAProvenance1] = provenanceOf(t, "https://laptop.example/someone", testRepository)
		}, "provenance: an image was not built by " + testBuilderID},
		{"wrong-repository", everything, true, func(_ string, p predicates) {
			p[SLSAProvenance1] = provenanceOf(t, testBuilderID, "https://github.com/someone/fork")
		}, "provenance: an image was not built from " + testRepository},
		{"stale-scan", everything, true, func(_ string, p predicates) {
			p[Vuln] = vulnOf(t, time.Now().Add(-8*24*time.Hour))
		}, "vulnerabilities: an image's last vulnerability scan is older than 168h"},
		{"uncovered-high", everything, true, func(ref string, p predicates) {
			p[OpenVEX] = vexOf(t, ref, reportCrit)
		}, "vulnerabilities: an image has a HIGH or CRITICAL finding that its OpenVEX attestation does not accept"},
		{"empty-vex", everything, true, func(ref string, p predicates) {
			p[OpenVEX] = vexOf(t, ref)
		}, "does not accept (not_affected)"},
		{"no-sbom-waived", sbomWaived, true, without(SPDXJSON), ""},
		{"no-provenance-not-waived", sbomWaived, true, without(SLSAProvenance1), "provenance: an image has no SLSA provenance attestation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := image(t, tc.signed, tc.edit)
			admitted, out := kyvernoApply(t, kyverno, dir, tc.policy, tc.name, ref)
			expectVerdict(t, admitted, out, tc.refusal)
		})
	}
}

// The released Kyverno 1.19.1 refuses even a complete image on its first attestation rule:
// verifyAttestationSignatures ignores ctlog.insecureIgnoreTlog (kyverno/kyverno#17109). When this
// test fails, the pinned Kyverno has the fix: run the matrix above with scripts/tool-kyverno.sh.
func TestReleasedKyvernoRefusesKeyedAttestations(t *testing.T) {
	root := repositoryRoot(t)
	kyverno := kyvernoCLI(t, root)
	host := plainRegistry(t)
	signer, release := newSigner(t)
	ref := pushRandomImage(t, host, Registry{}, "taskboard-backend")
	attestAll(t, signer, ref, Registry{}, syftSBOM(t, "spdx"))
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policy, renderVerifyImageSignatures(t, filepath.Join(root, "helm/policies"), func(values map[string]any) {
		setPolicy(values, string(release.PublicKeyPEM), host)
	}), 0o644); err != nil {
		t.Fatal(err)
	}
	admitted, out := kyvernoApply(t, kyverno, dir, policy, "complete", ref)
	if admitted || !strings.Contains(out, "SBOM: an image has no SPDX SBOM attestation") {
		t.Fatalf("the released Kyverno no longer refuses keyed attestations (kyverno/kyverno#17109 fixed?): "+
			"admitted=%v\n%s", admitted, out)
	}
}

// kyvernoAttestationsCLI builds (once, cached) the Kyverno CLI with the attestation fix.
func kyvernoAttestationsCLI(t *testing.T, root string) string {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(root, "scripts/tool-kyverno-attestations.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the patched Kyverno CLI is needed: run scripts/tool-kyverno-attestations.sh (%v)", err)
	}
	return strings.TrimSpace(string(out))
}

// kyvernoApply runs `kyverno apply` of the policy on a pod running the image next to one the
// policy does not match (a public PostgreSQL), and reports whether the pod was admitted.
func kyvernoApply(t *testing.T, kyverno, dir, policy, name, ref string) (bool, string) {
	t.Helper()
	pod := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: taskboard
spec:
  containers:
    - name: app
      image: %s
    - name: db
      image: docker.io/library/postgres:17.6-alpine
`, name, ref)
	podFile := filepath.Join(dir, name+"-pod.yaml")
	if err := os.WriteFile(podFile, []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(kyverno, "apply", policy, "--resource", podFile, "--remove-color")
	cmd.Env = append(os.Environ(), "HOME="+dir, "DOCKER_CONFIG="+dir)
	out, err := cmd.CombinedOutput()
	passed := err == nil && strings.Contains(string(out), "pass: 1, fail: 0")
	failed := err != nil && strings.Contains(string(out), "pass: 0, fail: 1")
	if !passed && !failed {
		t.Fatalf("kyverno apply neither admitted nor refused (err %v):\n%s", err, out)
	}
	return passed, string(out)
}

// expectVerdict fails the test unless the pod was admitted (refusal "") or refused with a
// message containing refusal.
func expectVerdict(t *testing.T, admitted bool, out, refusal string) {
	t.Helper()
	switch {
	case refusal == "" && !admitted:
		t.Fatalf("refused, want admitted:\n%s", out)
	case refusal != "" && admitted:
		t.Fatalf("admitted, want refused with %q:\n%s", refusal, out)
	case refusal != "" && !strings.Contains(strings.Join(strings.Fields(out), " "), refusal):
		t.Fatalf("refused without naming %q:\n%s", refusal, out)
	}
}
