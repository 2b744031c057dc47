package signing

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dagger/pipeline/sigstoretrust"
)

// Production's admission with a transparency log, end to end without a cluster: a private Rekor
// (rekor-server on Trillian on PostgreSQL) records the release's signatures and attestations, a
// TUF repository made by sigstoretrust serves the log's key, and the released, unpatched Kyverno
// 1.19.1 CLI checks images against the chart's policy with every requirement on and the log on.
func TestReleasedKyvernoEnforcesEveryAttestationWithALog(t *testing.T) {
	root := repositoryRoot(t)
	kyverno := kyvernoCLI(t, root)
	host, reg := plainRegistry(t), Registry{}
	log := startLog(t)
	offLog, release := newSigner(t)
	signer, err := offLog.WithTransparencyLog(context.Background(), log.URL)
	if err != nil {
		t.Fatal(err)
	}
	mirror, tufRoot, fetched := servedTrust(t, log.URL, log.PublicKeyPEM, log.Started)
	spdx := syftSBOM(t, "spdx")
	ctx := context.Background()

	// image pushes an image signed and attested through the log, except what edit changes: a
	// predicate removed (nil), replaced, or made by the same key without the log (offLog).
	type attestation struct {
		predicate []byte
		signer    *Signer
		more      []Subject
	}
	// index pushes an image index of two images instead, as a release of two platforms does:
	// its provenance also names the images under it.
	image := func(t *testing.T, edit func(ref string, sig **Signer, p map[PredicateKind]*attestation), index bool) string {
		t.Helper()
		var ref string
		var under []Subject
		if index {
			ref, under = pushRandomIndex(t, host, reg, "taskboard-backend")
		} else {
			ref = pushRandomImage(t, host, reg, "taskboard-backend")
		}
		sig := signer
		p := map[PredicateKind]*attestation{
			SPDXJSON:        {spdx, signer, nil},
			SLSAProvenance1: {provenanceOf(t, testBuilderID, testRepository), signer, under},
			Vuln:            {vulnOf(t, time.Now().Add(-time.Hour)), signer, nil},
			OpenVEX:         {vexOf(t, ref, reportHigh, reportCrit), signer, nil},
		}
		if edit != nil {
			edit(ref, &sig, p)
		}
		if _, err := sig.SignImage(ctx, ref, reg, nil); err != nil {
			t.Fatal(err)
		}
		for kind, a := range p {
			if a == nil {
				continue
			}
			if err := a.signer.AttestImage(ctx, ref, reg, kind, a.predicate, a.more...); err != nil {
				t.Fatalf("attest %s: %v", kind, err)
			}
		}
		return ref
	}
	without := func(kind PredicateKind) func(string, **Signer, map[PredicateKind]*attestation) {
		return func(_ string, _ **Signer, p map[PredicateKind]*attestation) { p[kind] = nil }
	}
	offTheLog := func(kind PredicateKind) func(string, **Signer, map[PredicateKind]*attestation) {
		return func(_ string, _ **Signer, p map[PredicateKind]*attestation) { p[kind].signer = offLog }
	}

	// writePolicy renders production's policy for the test's key, registry and log, trusting the
	// log through the TUF repository at mirror.
	writePolicy := func(dir, mirror, tufRoot string) string {
		policy := filepath.Join(dir, "policy.yaml")
		rendered := renderVerifyImageSignatures(t, filepath.Join(root, "helm/policies"), func(values map[string]any) {
			setPolicy(values, string(release.PublicKeyPEM), host)
			tlog := values["verifyImageSignatures"].(map[string]any)["transparencyLog"].(map[string]any)
			tlog["enabled"] = true
			tlog["url"] = log.URL
			tlog["tuf"] = map[string]any{"mirror": mirror, "root": tufRoot}
		})
		if err := os.WriteFile(policy, rendered, 0o644); err != nil {
			t.Fatal(err)
		}
		return policy
	}
	dir := t.TempDir()
	policy := writePolicy(dir, mirror, tufRoot)

	for _, tc := range []struct {
		name    string
		edit    func(string, **Signer, map[PredicateKind]*attestation)
		refusal string // "" = admitted; else a message the refusal must contain
	}{
		{"complete", nil, ""},
		{"no-sbom", without(SPDXJSON), "SBOM: an image has no SPDX SBOM attestation"},
		{"no-provenance", without(SLSAProvenance1), "provenance: an image has no SLSA provenance attestation"},
		{"no-vuln-scan", without(Vuln), "vulnerabilities: an image has no vulnerability scan attestation"},
		{"no-vex", without(OpenVEX), "vulnerabilities: an image has no OpenVEX attestation"},
		{"stale-scan", func(_ string, _ **Signer, p map[PredicateKind]*attestation) {
			p[Vuln].predicate = vulnOf(t, time.Now().Add(-8*24*time.Hour))
		}, "vulnerabilities: an image's last vulnerability scan is older than 168h"},
		// The right key, but never recorded in the log: each is as good as missing.
		{"sbom-off-the-log", offTheLog(SPDXJSON), "SBOM: an image has no SPDX SBOM attestation"},
		{"provenance-off-the-log", offTheLog(SLSAProvenance1), "provenance: an image has no SLSA provenance attestation"},
		{"signature-off-the-log", func(_ string, sig **Signer, _ map[PredicateKind]*attestation) { *sig = offLog },
			"signature: an image is not signed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := image(t, tc.edit, false)
			admitted, out := kyvernoApply(t, kyverno, dir, policy, tc.name, ref)
			expectVerdict(t, admitted, out, tc.refusal)
		})
	}
	// An image index, as a release of two platforms pushes: signed and attested on the index's
	// digest (what a pod names), its provenance naming the index, then both images under it.
	t.Run("image-index", func(t *testing.T) {
		admitted, out := kyvernoApply(t, kyverno, dir, policy, "image-index", image(t, nil, true))
		expectVerdict(t, admitted, out, "")
	})
	// Kyverno read the log's key from the test's TUF repository, not from anywhere else.
	if fetched.Load() == 0 {
		t.Fatal("Kyverno never fetched the TUF repository's timestamp")
	}

	// A TUF repository that trusts another log's key: the same complete image is refused.
	otherMirror, otherRoot, _ := servedTrust(t, log.URL, otherLogKey(t), log.Started)
	otherDir := t.TempDir()
	ref := image(t, nil, false)
	admitted, out := kyvernoApply(t, kyverno, otherDir, writePolicy(otherDir, otherMirror, otherRoot), "untrusted-log", ref)
	expectVerdict(t, admitted, out, "signature: an image is not signed")
}

// servedTrust serves a TUF repository trusting the log and returns its URL and its root, base64
// (the policy chart's transparencyLog.tuf values), and how often its timestamp was fetched.
func servedTrust(t *testing.T, logURL string, logKey []byte, from time.Time) (string, string, *atomic.Int64) {
	t.Helper()
	trustedRoot, err := sigstoretrust.TrustedRoot(sigstoretrust.Log{URL: logURL, PublicKeyPEM: logKey, ValidFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := sigstoretrust.NewRepository(trustedRoot, key, time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := repo.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	fetched := &atomic.Int64{}
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/timestamp.json") {
			fetched.Add(1)
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, base64.StdEncoding.EncodeToString(repo.Root), fetched
}
