package signing

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sigstore/cosign/v2/pkg/cosign"
	"github.com/sigstore/cosign/v2/pkg/oci"
	"github.com/sigstore/sigstore/pkg/tuf"
)

func digestHash(d name.Digest) (v1.Hash, error) {
	h, err := v1.NewHash(d.DigestStr())
	if err != nil {
		return v1.Hash{}, fmt.Errorf("signing: %w", err)
	}
	return h, nil
}

// VerifyOption adds to what a verification requires.
type VerifyOption func(*cosign.CheckOpts) error

// InTransparencyLog requires each signature or attestation to carry an entry of the log whose
// key this is, with a valid signed entry timestamp: what the cluster policy checks when its
// transparencyLog is on. Without it the log is ignored, as the policy then ignores it.
func InTransparencyLog(logKeyPEM []byte) VerifyOption {
	return func(co *cosign.CheckOpts) error {
		keys := cosign.NewTrustedTransparencyLogPubKeys()
		if err := keys.AddTransparencyLogPubKey(logKeyPEM, tuf.Active); err != nil {
			return fmt.Errorf("signing: the transparency log key: %w", err)
		}
		// Offline: the entry must travel with the signature, as Kyverno checks it.
		co.RekorPubKeys, co.IgnoreTlog, co.Offline = &keys, false, true
		return nil
	}
}

func (reg Registry) checkOpts(ctx context.Context, publicKeyPEM []byte, claims func(sig oci.Signature, h v1.Hash, a map[string]any) error, opts []VerifyOption) (*cosign.CheckOpts, error) {
	verifier, err := loadVerifier(publicKeyPEM)
	if err != nil {
		return nil, err
	}
	co := &cosign.CheckOpts{
		RegistryClientOpts: reg.remoteOptions(ctx),
		SigVerifier:        verifier,
		ClaimVerifier:      claims,
		// Key-based signatures: no certificate timestamps, and the log only when asked.
		IgnoreTlog: true,
		IgnoreSCT:  true,
	}
	for _, opt := range opts {
		if err := opt(co); err != nil {
			return nil, err
		}
	}
	return co, nil
}

// VerifyImage checks that the image at ref carries at least one signature made by the public
// key over a payload naming exactly this digest. It returns how many such signatures it found.
func VerifyImage(ctx context.Context, ref string, reg Registry, publicKeyPEM []byte, opts ...VerifyOption) (int, error) {
	digest, err := reg.parseDigest(ref)
	if err != nil {
		return 0, err
	}
	co, err := reg.checkOpts(ctx, publicKeyPEM, cosign.SimpleClaimVerifier, opts)
	if err != nil {
		return 0, err
	}
	sigs, _, err := cosign.VerifyImageSignatures(ctx, digest, co)
	if err != nil {
		return 0, fmt.Errorf("signing: verify signature of %s: %w", digest, reg.scrub(err))
	}
	if len(sigs) == 0 {
		return 0, fmt.Errorf("signing: %s has no valid signature", digest)
	}
	return len(sigs), nil
}

// Statement is the part of a verified in-toto statement a release reports on.
type Statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Subject       []Subject       `json:"subject"`
	Predicate     json.RawMessage `json:"predicate"`
}

// Subject is what an in-toto statement is about.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
	// Annotations say more about the subject, e.g. the platform of an image under an index.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// VerifyAttestations checks the image's attestations with the public key and returns the
// verified statements of the given kind whose subject is this image's digest. None is an error.
func VerifyAttestations(ctx context.Context, ref string, reg Registry, publicKeyPEM []byte, kind PredicateKind, opts ...VerifyOption) ([]Statement, error) {
	digest, err := reg.parseDigest(ref)
	if err != nil {
		return nil, err
	}
	predicateType, err := kind.PredicateType()
	if err != nil {
		return nil, err
	}
	co, err := reg.checkOpts(ctx, publicKeyPEM, cosign.IntotoSubjectClaimVerifier, opts)
	if err != nil {
		return nil, err
	}
	atts, _, err := cosign.VerifyImageAttestations(ctx, digest, co)
	if err != nil {
		return nil, fmt.Errorf("signing: verify attestations of %s: %w", digest, reg.scrub(err))
	}
	var out []Statement
	for _, att := range atts {
		st, err := statementOf(att)
		if err != nil {
			return nil, err
		}
		if st.PredicateType == predicateType {
			out = append(out, st)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("signing: %s has no verified %s attestation", digest, predicateType)
	}
	return out, nil
}

func statementOf(att oci.Signature) (Statement, error) {
	raw, err := att.Payload()
	if err != nil {
		return Statement{}, fmt.Errorf("signing: attestation payload: %w", err)
	}
	var env struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return Statement{}, fmt.Errorf("signing: attestation is not a DSSE envelope: %w", err)
	}
	body, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return Statement{}, errors.New("signing: attestation payload is not base64")
	}
	var st Statement
	if err := json.Unmarshal(body, &st); err != nil {
		return Statement{}, fmt.Errorf("signing: attestation is not an in-toto statement: %w", err)
	}
	return st, nil
}
