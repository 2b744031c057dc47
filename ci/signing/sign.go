package signing

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"

	cremote "github.com/sigstore/cosign/v2/pkg/cosign/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	"github.com/sigstore/sigstore/pkg/signature/options"
	"github.com/sigstore/sigstore/pkg/signature/payload"
)

// SignImage signs the image at ref (repo@sha256:...) and stores the signature at the image's
// `.sig` tag, keeping any signatures already there. Signing again with the same key adds nothing.
// It returns the signature tag.
func (s *Signer) SignImage(ctx context.Context, ref string, reg Registry, annotations map[string]string) (string, error) {
	digest, err := reg.parseDigest(ref)
	if err != nil {
		return "", err
	}
	var ann map[string]any
	if len(annotations) > 0 {
		ann = make(map[string]any, len(annotations))
		for k, v := range annotations {
			ann[k] = v
		}
	}
	body, err := payload.Cosign{Image: digest, Annotations: ann}.MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("signing: payload: %w", err)
	}
	raw, err := s.sv.SignMessage(bytes.NewReader(body), options.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("signing: sign %s: %w", digest, err)
	}
	tlogOpts, err := s.uploadSignature(ctx, body, raw)
	if err != nil {
		return "", err
	}
	sig, err := static.NewSignature(body, base64.StdEncoding.EncodeToString(raw), tlogOpts...)
	if err != nil {
		return "", fmt.Errorf("signing: %w", err)
	}

	opts := reg.remoteOptions(ctx)
	// The entity is only a placeholder for the digest: cosign reads the existing signatures
	// from the .sig tag and appends ours unless an identical one is already there.
	se := ociremote.SignedUnknown(digest, opts...)
	signed, err := mutate.AttachSignatureToEntity(se, sig, mutate.WithDupeDetector(cremote.NewDupeDetector(s.sv)))
	if err != nil {
		return "", fmt.Errorf("signing: attach signature: %w", reg.scrub(err))
	}
	if err := ociremote.WriteSignatures(digest.Repository, signed, opts...); err != nil {
		return "", fmt.Errorf("signing: push signature of %s: %w", digest, reg.scrub(err))
	}
	tag, err := ociremote.SignatureTag(digest, opts...)
	if err != nil {
		return "", err
	}
	return tag.String(), nil
}
