package signing

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// Provenance, vulnerability report and VEX: attested as in-toto Statement v1 with their
// predicate types, verified with the release key, replaced (not piled up) when attested again.
func TestAttestationsOfProvenanceVulnAndVEX(t *testing.T) {
	ctx := context.Background()
	host, reg := testRegistry(t)
	ref := pushRandomImage(t, host, reg, "taskboard/backend")
	signer, kp := newSigner(t)
	_, otherKP := newSigner(t)
	for _, tc := range []struct {
		kind          PredicateKind
		predicateType string
		predicate     []byte
		again         []byte
	}{
		{SLSAProvenance1, "https://slsa.dev/provenance/v1", provenanceOf(t, testBuilderID, testRepository), provenanceOf(t, "https://other/builder", testRepository)},
		{Vuln, "https://cosign.sigstore.dev/attestation/vuln/v1", vulnOf(t, time.Now().Add(-time.Hour)), vulnOf(t, time.Now())},
		{OpenVEX, "https://openvex.dev/ns", vexOf(t, ref), vexOf(t, ref, reportHigh)},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			for _, p := range [][]byte{tc.predicate, tc.again} {
				if err := signer.AttestImage(ctx, ref, reg, tc.kind, p); err != nil {
					t.Fatal(err)
				}
			}
			sts, err := VerifyAttestations(ctx, ref, reg, kp.PublicKeyPEM, tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) != 1 || sts[0].Type != StatementV1 || sts[0].PredicateType != tc.predicateType ||
				!sameJSON(t, sts[0].Predicate, tc.again) {
				t.Fatalf("statements = %d, first %s %s:\n%s", len(sts), sts[0].Type, sts[0].PredicateType, sts[0].Predicate)
			}
			if len(sts[0].Subject) != 1 || sts[0].Subject[0].Name != host+"/taskboard/backend" ||
				"sha256:"+sts[0].Subject[0].Digest["sha256"] != ref[strings.Index(ref, "@")+1:] {
				t.Fatalf("subject %+v is not %s", sts[0].Subject, ref)
			}
			if _, err := VerifyAttestations(ctx, ref, reg, otherKP.PublicKeyPEM, tc.kind); err == nil {
				t.Fatal("verified with another key")
			}
		})
	}
	// cosign's generator checks a provenance for SLSA v1's required fields.
	if err := signer.AttestImage(ctx, ref, reg, SLSAProvenance1, []byte(`{"builder":{"id":"x"}}`)); err == nil ||
		!strings.Contains(err.Error(), "slsaprovenance1") {
		t.Fatalf("a SLSA v0.2-shaped predicate was attested as v1: %v", err)
	}
	// The SBOM kinds keep their statements as before.
	spdx, err := os.ReadFile("../sbom/testdata/syft-spdx.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.AttestImage(ctx, ref, reg, SPDXJSON, spdx); err != nil {
		t.Fatal(err)
	}
	if sts, err := VerifyAttestations(ctx, ref, reg, kp.PublicKeyPEM, SPDXJSON); err != nil || sts[0].Type != "https://in-toto.io/Statement/v0.1" {
		t.Fatalf("SPDX statement: %v %+v", err, sts)
	}
}
