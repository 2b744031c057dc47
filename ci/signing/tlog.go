package signing

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"

	"github.com/sigstore/cosign/v2/pkg/cosign"
	cbundle "github.com/sigstore/cosign/v2/pkg/cosign/bundle"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	rekorclient "github.com/sigstore/rekor/pkg/client"
	"github.com/sigstore/rekor/pkg/generated/client/pubkey"
	rekorverify "github.com/sigstore/rekor/pkg/verify"
)

// WithTransparencyLog makes the signer upload every signature and attestation to the Rekor log
// at rekorURL (a private log, or https://rekor.sigstore.dev) and attach the log's signed entry
// timestamp to it, as `cosign sign --tlog-upload` does. It reads the log's public key now, so a
// log that cannot be reached stops a release before anything is built, and every entry the log
// returns is checked against that key before it is attached: its inclusion proof, the signed
// checkpoint and the signed entry timestamp.
func (s *Signer) WithTransparencyLog(ctx context.Context, rekorURL string) (*Signer, error) {
	u, err := url.Parse(rekorURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("signing: %q is not a Rekor URL", rekorURL)
	}
	client, err := rekorclient.GetRekorClient(rekorURL)
	if err != nil {
		return nil, fmt.Errorf("signing: Rekor client: %w", err)
	}
	resp, err := client.Pubkey.GetPublicKey(pubkey.NewGetPublicKeyParamsWithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("signing: the transparency log %s cannot be reached for its public key: %w", rekorURL, err)
	}
	key := []byte(resp.Payload)
	if block, _ := pem.Decode(key); block == nil {
		return nil, fmt.Errorf("signing: the transparency log %s sent no PEM public key", rekorURL)
	} else if _, err := x509.ParsePKIXPublicKey(block.Bytes); err != nil {
		return nil, fmt.Errorf("signing: the transparency log %s sent a bad public key: %w", rekorURL, err)
	}
	out := *s
	out.rekorURL, out.rekorKeyPEM = rekorURL, key
	return &out, nil
}

// TransparencyLogKey is the public key of the log the signer records in (nil without one).
func (s *Signer) TransparencyLogKey() []byte { return s.rekorKeyPEM }

// LogKeyID is a log's ID as Rekor and trusted roots name it: the SHA-256 of its key's DER, hex.
func LogKeyID(keyPEM []byte) (string, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return "", errors.New("signing: the transparency log key is not PEM")
	}
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:]), nil
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
		return nil, fmt.Errorf("signing: the transparency log %s refused the signature: %w", s.rekorURL, err)
	}
	if err := s.verifyEntry(ctx, entry); err != nil {
		return nil, err
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
		return nil, fmt.Errorf("signing: the transparency log %s refused the attestation: %w", s.rekorURL, err)
	}
	if err := s.verifyEntry(ctx, entry); err != nil {
		return nil, err
	}
	return bundleOption(entry)
}

// verifyEntry checks, before anything is attached, that the log included what it returned: the
// inclusion proof up to a root hash in a checkpoint the log signed, and the signed entry
// timestamp, each with the key read when the log was named.
func (s *Signer) verifyEntry(ctx context.Context, entry *logEntry) error {
	verifier, err := loadVerifier(s.rekorKeyPEM)
	if err != nil {
		return fmt.Errorf("signing: the transparency log key: %w", err)
	}
	if err := rekorverify.VerifyLogEntry(ctx, entry, verifier); err != nil {
		return fmt.Errorf("signing: the transparency log %s returned an entry that does not verify with its key: %w", s.rekorURL, err)
	}
	return nil
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
