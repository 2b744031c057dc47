package signing

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dagger/pipeline/sigstoretrust"
)

// What this package writes with cosign's v2 Go packages, the current cosign CLI (v3, from
// scripts/tool-cosign.sh) verifies as a user runs it: `cosign verify` and
// `cosign verify-attestation --type <each kind>` with the release's public key.
func TestCosignV3CLIVerifiesEverything(t *testing.T) {
	cosign := cosignCLI(t)
	host, reg := plainRegistry(t), Registry{}
	signer, kp := newSigner(t)
	spdx := syftSBOM(t, "spdx")
	ref := pushRandomImage(t, host, reg, "taskboard-backend")
	attestAll(t, signer, ref, reg, spdx)
	bare := pushRandomImage(t, host, reg, "taskboard-frontend")
	// Signed, with an SBOM attestation only: verify-attestation of any other type must fail.
	if _, err := signer.SignImage(t.Context(), bare, reg, nil); err != nil {
		t.Fatal(err)
	}
	if err := signer.AttestImage(t.Context(), bare, reg, SPDXJSON, spdx); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	pub := filepath.Join(dir, "cosign.pub")
	if err := os.WriteFile(pub, kp.PublicKeyPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		full := append(args, "--key", pub, "--insecure-ignore-tlog=true", "--allow-http-registry=true")
		cmd := exec.Command(cosign, full...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "DOCKER_CONFIG="+dir, "TUF_ROOT="+dir)
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out) + string(ee.Stderr), err
		}
		return string(out), err
	}

	if out, err := run("verify", ref); err != nil {
		t.Fatalf("cosign verify: %v\n%s", err, out)
	}
	for kind, predicateType := range predicateTypes {
		if kind == CycloneDX {
			continue // not attested by attestAll; the Go-level tests cover it
		}
		t.Run(string(kind), func(t *testing.T) {
			out, err := run("verify-attestation", "--type", string(kind), ref)
			if err != nil {
				t.Fatalf("cosign verify-attestation --type %s: %v\n%s", kind, err, out)
			}
			// One DSSE envelope per line; its statement is of the requested type.
			var env struct{ Payload string }
			line := strings.SplitN(strings.TrimSpace(out), "\n", 2)[0]
			if err := json.Unmarshal([]byte(line), &env); err != nil {
				t.Fatalf("output is not a DSSE envelope: %v\n%s", err, out)
			}
			body, _ := base64.StdEncoding.DecodeString(env.Payload)
			var st Statement
			if err := json.Unmarshal(body, &st); err != nil || st.PredicateType != predicateType {
				t.Fatalf("statement %s (%v), want predicate type %s", body, err, predicateType)
			}
			// An image without an attestation of that type is refused: the check above means something.
			if kind != SPDXJSON {
				if out, err := run("verify-attestation", "--type", string(kind), bare); err == nil {
					t.Fatalf("cosign verified a %s attestation the image does not have:\n%s", kind, out)
				}
			}
		})
	}
}

// cosignCLI builds (once, cached) or finds the pinned cosign v3 CLI with the repository's script.
func cosignCLI(t *testing.T) string {
	t.Helper()
	script, err := filepath.Abs("../../scripts/tool-cosign.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the cosign v3 CLI is needed: run scripts/tool-cosign.sh (%v)", err)
	}
	return strings.TrimSpace(string(out))
}

// With a private Rekor log, an operator checks by hand that each signature and attestation is in
// the log as docs/SECURITY.md says, with the cosign v3 CLI: --trusted-root names the log's key
// (the same trusted_root.json the cluster's TUF repository serves), and nothing is ignored.
func TestCosignV3CLIVerifiesTheLog(t *testing.T) {
	cosign := cosignCLI(t)
	host, reg := plainRegistry(t), Registry{}
	log := startLog(t)
	offLog, kp := newSigner(t)
	signer, err := offLog.WithTransparencyLog(t.Context(), log.URL)
	if err != nil {
		t.Fatal(err)
	}
	logged := pushRandomImage(t, host, reg, "taskboard-backend")
	attestAll(t, signer, logged, reg, syftSBOM(t, "spdx"))
	unlogged := pushRandomImage(t, host, reg, "taskboard-backend")
	attestAll(t, offLog, unlogged, reg, syftSBOM(t, "spdx"))

	dir := t.TempDir()
	trustedRoot, err := sigstoretrust.TrustedRoot(sigstoretrust.Log{URL: log.URL, PublicKeyPEM: log.PublicKeyPEM, ValidFrom: log.Started})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"cosign.pub": kp.PublicKeyPEM, "trusted_root.json": trustedRoot, "rekor.pub": log.PublicKeyPEM}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The two ways docs/SECURITY.md gives: the trusted root, or the log's key alone, offline.
	withTrustedRoot := []string{"--trusted-root", filepath.Join(dir, "trusted_root.json")}
	withLogKey := []string{"--offline=true"}
	trust := withTrustedRoot
	run := func(args ...string) (string, error) {
		full := append(append(args, trust...), "--key", filepath.Join(dir, "cosign.pub"), "--allow-http-registry=true")
		cmd := exec.Command(cosign, full...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "DOCKER_CONFIG="+dir, "TUF_ROOT="+dir)
		if len(trust) == 1 {
			cmd.Env = append(cmd.Env, "SIGSTORE_REKOR_PUBLIC_KEY="+filepath.Join(dir, "rekor.pub"))
		}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, args := range [][]string{
		{"verify", "(log key)"},
		{"verify"},
		{"verify-attestation", "--type", "spdxjson"},
		{"verify-attestation", "--type", "slsaprovenance1"},
		{"verify-attestation", "--type", "vuln"},
		{"verify-attestation", "--type", "openvex"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			trust = withTrustedRoot
			if args[len(args)-1] == "(log key)" {
				args, trust = args[:len(args)-1], withLogKey
			}
			if out, err := run(append(args, logged)...); err != nil {
				t.Fatalf("cosign %s of an image in the log: %v\n%s", strings.Join(args, " "), err, out)
			}
			if out, err := run(append(args, unlogged)...); err == nil {
				t.Fatalf("cosign %s passed an image signed outside the log:\n%s", strings.Join(args, " "), out)
			}
		})
	}
}
