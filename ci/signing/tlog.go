package signing

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"

	"github.com/sigstore/cosign/v2/pkg/cosign"
	cbundle "github.com/sigstore/cosign/v2/pkg/cosign/bundle"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	rekorclient "github.com/sigstore/rekor/pkg/client"
)

// WithTransparencyLog makes the signer upload every signature and attestation to the Rekor log
// at rekorURL (e.g. https://rekor.sigstore.dev) and attach the log's bundle to it, as
// `cosign sign --tlog-upload` does. Off by default: the release's keys are its own and the
// cluster policy checks them by public key; turn it on together with the policy's
// verifyImageSignatures.transparencyLog.
func (s *Signer) WithTransparencyLog(rekorURL string) (*Signer, error) {
	u, err := url.Parse(rekorURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("signing: %q is not a Rekor URL", rekorURL)
	}
	out := *s
	out.rekorURL = rekorURL
	return &out, nil
}

// uploadSignature records a simple-signing signature in the log and returns the bundle option.
func (s *Signer) uploadSignature(ctx context.Context, payload, sig []byte) ([]static.Option, error) {
	if s.rekorURL == "" {
		return nil, nil
	}
	client, pub, err := s.rekor()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(payload)
	entry, err := cosign.TLogUpload(ctx, client, sig, h, pub)
	if err != nil {
		return nil, fmt.Errorf("signing: upload to the transparency log: %w", err)
	}
	return bundleOption(entry)
}

// uploadEnvelope records a DSSE attestation envelope in the log and returns the bundle option.
func (s *Signer) uploadEnvelope(ctx context.Context, envelope []byte) ([]static.Option, error) {
	if s.rekorURL == "" {
		return nil, nil
	}
	client, pub, err := s.rekor()
	if err != nil {
		return nil, err
	}
	entry, err := cosign.TLogUploadDSSEEnvelope(ctx, client, envelope, pub)
	if err != nil {
		return nil, fmt.Errorf("signing: upload to the transparency log: %w", err)
	}
	return bundleOption(entry)
}

func (s *Signer) rekor() (*rekorClient, []byte, error) {
	client, err := rekorclient.GetRekorClient(s.rekorURL)
	if err != nil {
		return nil, nil, fmt.Errorf("signing: Rekor client: %w", err)
	}
	pub, err := s.PublicKeyPEM()
	if err != nil {
		return nil, nil, err
	}
	return client, pub, nil
}

func bundleOption(entry *logEntry) ([]static.Option, error) {
	b := cbundle.EntryToBundle(entry)
	if b == nil {
		return nil, errors.New("signing: the transparency log returned no signed entry timestamp")
	}
	return []static.Option{static.WithBundle(b)}, nil
}
