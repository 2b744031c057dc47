package signing

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The key rotation of docs/SECURITY.md, end to end with the real CLIs a cluster operator runs:
// the cosign v3 CLI makes the new key pair and signs the running digest with it; the real Kyverno
// CLI, with helm/policies' signature policy, admits through every step of the rotation; and the
// release code signs the next image with the new key as it would once the vault holds it.
func TestKeyRotationEndToEnd(t *testing.T) {
	root := repositoryRoot(t)
	kyverno, cosign := kyvernoCLI(t, root), cosignCLI(t)
	host, reg := plainRegistry(t), Registry{}
	dir := t.TempDir()
	ctx := t.Context()

	// Before: the release key signs what runs today; an image signed with the old key only stays
	// behind to show the cut-over.
	oldSigner, oldKey := newSigner(t)
	running := pushRandomImage(t, host, reg, "taskboard-backend")
	stale := pushRandomImage(t, host, reg, "taskboard-backend")
	for _, ref := range []string{running, stale} {
		if _, err := oldSigner.SignImage(ctx, ref, reg, nil); err != nil {
			t.Fatal(err)
		}
	}

	cli := func(args ...string) {
		t.Helper()
		cmd := exec.Command(cosign, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+dir, "DOCKER_CONFIG="+dir, "TUF_ROOT="+dir, "COSIGN_PASSWORD="+keyPassword)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cosign %v: %v\n%s", args, err, out)
		}
	}
	// Step 1: a new key pair (cosign.key, cosign.pub in dir).
	cli("generate-key-pair")
	newPub, err := os.ReadFile(filepath.Join(dir, "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	// Step 2: both keys in the policy; everything that runs is still admitted.
	policy := func(keys ...[]byte) string {
		var list []any
		for _, k := range keys {
			list = append(list, string(k))
		}
		file := filepath.Join(dir, "policy.yaml")
		rendered := renderVerifyImageSignatures(t, filepath.Join(root, "helm/policies"), func(values map[string]any) {
			setPolicy(values, "", host)
			values["verifyImageSignatures"].(map[string]any)["publicKeys"] = list
			for _, name := range []string{"sbom", "provenance", "vulnerabilities"} {
				requirement(values, name)["enabled"] = false
				requirement(values, name)["reason"] = "the rotation is about the signature"
			}
		})
		if err := os.WriteFile(file, rendered, 0o644); err != nil {
			t.Fatal(err)
		}
		return file
	}
	both := policy(oldKey.PublicKeyPEM, newPub)
	unsigned := pushRandomImage(t, host, reg, "taskboard-frontend")
	expectAdmission(t, kyverno, dir, both, map[string]bool{running: true, stale: true, unsigned: false})

	// Step 3: the running digest signed with the new key too, by the runbook's command.
	cli("sign", "--key", "cosign.key", "--tlog-upload=false", "--use-signing-config=false", "--new-bundle-format=false",
		"--allow-http-registry=true", "--yes", running)
	cli("verify", "--key", "cosign.pub", "--insecure-ignore-tlog=true", "--allow-http-registry=true", running)

	// Step 4: the vault holds the new key; the next release signs with it, as the release code
	// loads a key made by the cosign CLI.
	keyPEM, err := os.ReadFile(filepath.Join(dir, "cosign.key"))
	if err != nil {
		t.Fatal(err)
	}
	newSigner, err := LoadSigner(keyPEM, []byte(keyPassword))
	if err != nil {
		t.Fatalf("the release cannot load the key cosign generated: %v", err)
	}
	next := pushRandomImage(t, host, reg, "taskboard-frontend")
	if _, err := newSigner.SignImage(ctx, next, reg, nil); err != nil {
		t.Fatal(err)
	}
	expectAdmission(t, kyverno, dir, both, map[string]bool{running: true, next: true})

	// Step 5: the old key removed. What was re-signed and what the new key signed stay admitted;
	// an image signed with the old key alone is refused from now on.
	onlyNew := policy(newPub)
	expectAdmission(t, kyverno, dir, onlyNew, map[string]bool{running: true, next: true, stale: false, unsigned: false})
}

// expectAdmission runs `kyverno apply` of the policy on a pod per image and checks each verdict.
func expectAdmission(t *testing.T, kyverno, dir, policyFile string, want map[string]bool) {
	t.Helper()
	for image, admitted := range want {
		pod := filepath.Join(dir, "pod.yaml")
		if err := os.WriteFile(pod, []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: taskboard\nspec:\n  containers:\n    - name: app\n      image: "+image+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(kyverno, "apply", policyFile, "--resource", pod)
		cmd.Env = append(os.Environ(), "HOME="+dir, "DOCKER_CONFIG="+dir)
		out, err := cmd.CombinedOutput()
		passed := err == nil && bytes.Contains(out, []byte("pass: 1, fail: 0"))
		failed := err != nil && bytes.Contains(out, []byte("pass: 0, fail: 1"))
		if admitted && !passed || !admitted && !failed {
			t.Errorf("%s: admitted=%v expected; kyverno apply (err %v):\n%s", image, admitted, err, out)
		}
	}
}
