package signing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/in-toto/in-toto-golang/in_toto"
	slsa1 "github.com/in-toto/in-toto-golang/in_toto/slsa_provenance/v1"
	"github.com/sigstore/cosign/v2/pkg/cosign/attestation"
	cremote "github.com/sigstore/cosign/v2/pkg/cosign/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	"github.com/sigstore/cosign/v2/pkg/types"
	"github.com/sigstore/sigstore/pkg/signature/dsse"
	"github.com/sigstore/sigstore/pkg/signature/options"
)

// PredicateKind names what can be attested. The values are cosign's --type names, so that
// `cosign verify-attestation --type <kind>` finds what AttestImage wrote.
type PredicateKind string

const (
	// SPDXJSON is an SPDX 2.x JSON document (syft -o spdx-json).
	SPDXJSON PredicateKind = "spdxjson"
	// CycloneDX is a CycloneDX JSON document (syft -o cyclonedx-json).
	CycloneDX PredicateKind = "cyclonedx"
	// SLSAProvenance1 is a SLSA v1 provenance predicate (package provenance).
	SLSAProvenance1 PredicateKind = "slsaprovenance1"
	// Vuln is cosign's vulnerability scan predicate (package vulnpredicate).
	Vuln PredicateKind = "vuln"
	// OpenVEX is an OpenVEX document (package vex).
	OpenVEX PredicateKind = "openvex"
)

// predicateTypes are the predicate type URIs of the kinds, as cosign's options package maps its
// --type names (cosign3_cli_test.go checks that the cosign CLI finds each by its --type).
var predicateTypes = map[PredicateKind]string{
	SPDXJSON:        in_toto.PredicateSPDX,
	CycloneDX:       in_toto.PredicateCycloneDX,
	SLSAProvenance1: slsa1.PredicateSLSAProvenance,
	Vuln:            attestation.CosignVulnProvenanceV01,
	OpenVEX:         attestation.OpenVexNamespace,
}

// PredicateType is the in-toto predicate type URI of the kind, the one policies match on.
func (k PredicateKind) PredicateType() (string, error) {
	if t, ok := predicateTypes[k]; ok {
		return t, nil
	}
	return "", fmt.Errorf("signing: unknown predicate kind %q (want one of spdxjson, cyclonedx, slsaprovenance1, vuln, openvex)", k)
}

// AttestImage wraps the predicate in an in-toto statement whose subject is the image digest, signs
// it as a DSSE envelope and stores it at the image's `.att` tag, where cosign and Kyverno look.
// An attestation of the same predicate type made earlier is replaced, so re-running a release (or
// a re-scan attesting a fresh vulnerability report) does not pile them up.
//
// more are further subjects of the statement, after the image itself: the provenance of an image
// index also names each platform's image, which the same build made. Only the in-toto v1 kinds
// (provenance, vuln, OpenVEX) take them; the SBOMs' statements are cosign's, about one image.
func (s *Signer) AttestImage(ctx context.Context, ref string, reg Registry, kind PredicateKind, predicate []byte, more ...Subject) error {
	digest, err := reg.parseDigest(ref)
	if err != nil {
		return err
	}
	predicateType, err := kind.PredicateType()
	if err != nil {
		return err
	}
	if !json.Valid(predicate) {
		return fmt.Errorf("signing: the %s predicate is not JSON", kind)
	}
	h, err := digestHash(digest)
	if err != nil {
		return err
	}
	body, err := statementBody(kind, predicateType, predicate, h.Hex, digest.Repository.String(), more)
	if err != nil {
		return err
	}
	envelope, err := dsse.WrapSigner(s.sv, types.IntotoPayloadType).SignMessage(bytes.NewReader(body), options.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("signing: sign attestation: %w", err)
	}
	tlogOpts, err := s.uploadEnvelope(ctx, envelope)
	if err != nil {
		return err
	}
	att, err := static.NewAttestation(envelope, append([]static.Option{
		static.WithLayerMediaType(types.DssePayloadType),
		static.WithAnnotations(map[string]string{"predicateType": predicateType})}, tlogOpts...)...)
	if err != nil {
		return fmt.Errorf("signing: %w", err)
	}

	opts := reg.remoteOptions(ctx)
	se := ociremote.SignedUnknown(digest, opts...)
	attested, err := mutate.AttachAttestationToEntity(se, att,
		mutate.WithDupeDetector(cremote.NewDupeDetector(s.sv)),
		mutate.WithReplaceOp(cremote.NewReplaceOp(predicateType)))
	if err != nil {
		return fmt.Errorf("signing: attach attestation: %w", reg.scrub(err))
	}
	if err := ociremote.WriteAttestations(digest.Repository, attested, opts...); err != nil {
		return fmt.Errorf("signing: push attestation of %s: %w", digest, reg.scrub(err))
	}
	return nil
}
