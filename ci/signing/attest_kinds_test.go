package signing

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Every predicate kind the release attests: an in-toto statement of its predicate type about
// the image's digest, verified with the release key and refused with another, replaced (not
// piled up) when attested again. The SBOMs keep the Statement v0.1 cosign has always made.
func TestAttestationsOfEveryKind(t *testing.T) {
	ctx := context.Background()
	host, reg := testRegistry(t)
	ref := pushRandomImage(t, host, reg, "taskboard/backend")
	signer, kp := newSigner(t)
	_, otherKP := newSigner(t)
	spdx, cyclonedx := syftSBOM(t, "spdx"), syftSBOM(t, "cyclonedx")
	for _, tc := range []struct {
		kind                     PredicateKind
		statement, predicateType string
		predicate, again         []byte
	}{
		{SLSAProvenance1, StatementV1, "https://slsa.dev/provenance/v1", provenanceOf(t, testBuilderID, testRepository), provenanceOf(t, "https://other/builder", testRepository)},
		{Vuln, StatementV1, "https://cosign.sigstore.dev/attestation/vuln/v1", vulnOf(t, time.Now().Add(-time.Hour)), vulnOf(t, time.Now())},
		{OpenVEX, StatementV1, "https://openvex.dev/ns", vexOf(t, ref), vexOf(t, ref, reportHigh)},
		{SPDXJSON, statementV01, "https://spdx.dev/Document", spdx, spdx},
		{CycloneDX, statementV01, "https://cyclonedx.org/bom", cyclonedx, cyclonedx},
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
			if len(sts) != 1 || sts[0].Type != tc.statement || sts[0].PredicateType != tc.predicateType ||
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

	// The attestations live at the .att tag, next to the image.
	if _, err := remote.Head(mustTag(t, strings.Replace(ref, "@sha256:", ":sha256-", 1)+".att"), remote.WithAuth(basicAuth(reg))); err != nil {
		t.Fatalf("no .att tag: %v", err)
	}
	// cosign's generator checks a provenance for SLSA v1's required fields.
	if err := signer.AttestImage(ctx, ref, reg, SLSAProvenance1, []byte(`{"builder":{"id":"x"}}`)); err == nil ||
		!strings.Contains(err.Error(), "slsaprovenance1") {
		t.Fatalf("a SLSA v0.2-shaped predicate was attested as v1: %v", err)
	}
	if err := signer.AttestImage(ctx, ref, reg, "sarif", []byte(`{}`)); err == nil {
		t.Fatal("accepted an unknown predicate kind")
	}
	if err := signer.AttestImage(ctx, ref, reg, SPDXJSON, []byte(`not json`)); err == nil {
		t.Fatal("accepted a predicate that is not JSON")
	}
}

// statementV01 is the in-toto statement type cosign makes for the SBOM predicates.
const statementV01 = "https://in-toto.io/Statement/v0.1"

// The provenance of an image index names each platform's image too: one statement with the
// index first, then the platforms' images, each by digest with its platform, verified on the
// index. An SBOM statement (cosign's) stays about one image, and a subject needs its digest.
func TestAProvenanceNamesMoreSubjects(t *testing.T) {
	ctx := context.Background()
	host, reg := testRegistry(t)
	index := pushRandomImage(t, host, reg, "taskboard/backend")
	arm := pushRandomImage(t, host, reg, "taskboard/backend")
	signer, kp := newSigner(t)
	armHex := arm[strings.Index(arm, "@sha256:")+len("@sha256:"):]
	platform := Subject{Name: "pkg:oci/backend?arch=arm64", Digest: map[string]string{"sha256": armHex},
		Annotations: map[string]string{"platform": "linux/arm64"}}
	if err := signer.AttestImage(ctx, index, reg, SLSAProvenance1, provenanceOf(t, testBuilderID, testRepository), platform); err != nil {
		t.Fatal(err)
	}
	sts, err := VerifyAttestations(ctx, index, reg, kp.PublicKeyPEM, SLSAProvenance1)
	if err != nil {
		t.Fatal(err)
	}
	subjects := sts[0].Subject
	if len(subjects) != 2 || "sha256:"+subjects[0].Digest["sha256"] != index[strings.Index(index, "@")+1:] ||
		subjects[1].Digest["sha256"] != armHex || subjects[1].Annotations["platform"] != "linux/arm64" {
		t.Fatalf("subjects %+v: want the index, then the arm64 image with its platform", subjects)
	}
	if err := signer.AttestImage(ctx, index, reg, SPDXJSON, syftSBOM(t, "spdx"), platform); err == nil ||
		!strings.Contains(err.Error(), "about one image") {
		t.Fatalf("an SBOM statement took more subjects: %v", err)
	}
	if err := signer.AttestImage(ctx, index, reg, Vuln, vulnOf(t, time.Now()), Subject{Name: "x"}); err == nil ||
		!strings.Contains(err.Error(), "no sha256 digest") {
		t.Fatalf("a subject without a digest: %v", err)
	}
}
