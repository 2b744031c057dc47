package signing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/in-toto/in-toto-golang/in_toto"
	"github.com/sigstore/cosign/v2/pkg/cosign/attestation"
	cremote "github.com/sigstore/cosign/v2/pkg/cosign/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	"github.com/sigstore/cosign/v2/pkg/types"
	"github.com/sigstore/sigstore/pkg/signature/dsse"
	"github.com/sigstore/sigstore/pkg/signature/options"
)

// PredicateKind names an SBOM format that can be attested.
type PredicateKind string

const (
	// SPDXJSON is an SPDX 2.x JSON document (syft -o spdx-json).
	SPDXJSON PredicateKind = "spdxjson"
	// CycloneDX is a CycloneDX JSON document (syft -o cyclonedx-json).
	CycloneDX PredicateKind = "cyclonedx"
)

// PredicateType is the in-toto predicate type URI of the kind, the one policies match on.
func (k PredicateKind) PredicateType() (string, error) {
	switch k {
	case SPDXJSON:
		return in_toto.PredicateSPDX, nil
	case CycloneDX:
		return in_toto.PredicateCycloneDX, nil
	}
	return "", fmt.Errorf("signing: unknown SBOM kind %q (want %q or %q)", k, SPDXJSON, CycloneDX)
}

// AttestImage wraps the predicate (an SBOM) in an in-toto statement whose subject is the image
// digest, signs it as a DSSE envelope and stores it at the image's `.att` tag. An attestation of
// the same predicate type made earlier is replaced, so re-running a release does not pile them up.
func (s *Signer) AttestImage(ctx context.Context, ref string, reg Registry, kind PredicateKind, predicate []byte) error {
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
	statement, err := attestation.GenerateStatement(attestation.GenerateOpts{
		Predicate: bytes.NewReader(predicate),
		Type:      string(kind),
		Digest:    h.Hex,
		Repo:      digest.Repository.String(),
		Time:      time.Now,
	})
	if err != nil {
		return fmt.Errorf("signing: in-toto statement: %w", err)
	}
	body, err := json.Marshal(statement)
	if err != nil {
		return fmt.Errorf("signing: in-toto statement: %w", err)
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
