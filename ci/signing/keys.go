// Package signing signs and attests container images with Cosign keys, and verifies them, in
// the module process.
//
// Signatures and attestations are stored the way `cosign sign --key` / `cosign attest --key`
// store them and the way Kyverno's verifyImages rule reads them: an OCI image tagged
// `sha256-<hex>.sig` (simple-signing payloads) or `sha256-<hex>.att` (DSSE envelopes of in-toto
// statements) next to the image in its repository. Nothing is uploaded to a transparency log
// unless asked (Signer.WithTransparencyLog): the keys are the project's own, and the cluster
// policy checks them by public key.
package signing

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/sigstore/cosign/v2/pkg/cosign"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// KeyPair is a Cosign key pair: the private key encrypted with a password (cosign.key format)
// and the public key as a PKIX PEM block (cosign.pub format, what Kyverno's publicKeys takes).
type KeyPair struct {
	PrivateKeyPEM []byte
	PublicKeyPEM  []byte
}

// GenerateKeyPair makes a new ECDSA P-256 key pair, the private key encrypted with password.
// The release uses it when no key is given: the images are still signed and verified, and the
// public key is exported with the reports.
func GenerateKeyPair(password []byte) (KeyPair, error) {
	keys, err := cosign.GenerateKeyPair(func(bool) ([]byte, error) { return password, nil })
	if err != nil {
		return KeyPair{}, fmt.Errorf("signing: generate key pair: %w", err)
	}
	return KeyPair{PrivateKeyPEM: keys.PrivateBytes, PublicKeyPEM: keys.PublicBytes}, nil
}

// Signer holds a loaded private key.
type Signer struct {
	sv signature.SignerVerifier
	// rekorURL, when set, is the transparency log every signature is also recorded in, and
	// rekorKeyPEM the key it signs entry timestamps with.
	rekorURL    string
	rekorKeyPEM []byte
}

// LoadSigner decrypts a Cosign private key with its password.
func LoadSigner(privateKeyPEM, password []byte) (*Signer, error) {
	if len(privateKeyPEM) == 0 {
		return nil, errors.New("signing: the private key is empty")
	}
	sv, err := cosign.LoadPrivateKey(privateKeyPEM, password, nil)
	if err != nil {
		// The error says what is wrong (bad PEM, wrong password); it never quotes the key.
		return nil, fmt.Errorf("signing: load private key: %w", err)
	}
	return &Signer{sv: sv}, nil
}

// PublicKeyPEM is the public half of the signer's key, as a PKIX PEM block.
func (s *Signer) PublicKeyPEM() ([]byte, error) {
	pub, err := s.sv.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("signing: public key: %w", err)
	}
	return cryptoutils.MarshalPublicKeyToPEM(pub)
}

// loadVerifier reads a PKIX PEM public key. Only ECDSA keys are accepted: that is what Cosign
// generates and what the cluster policy is written for.
func loadVerifier(publicKeyPEM []byte) (signature.Verifier, error) {
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(publicKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("signing: public key is not a PEM public key: %w", err)
	}
	if _, ok := pub.(*ecdsa.PublicKey); !ok {
		return nil, fmt.Errorf("signing: public key is a %T, want ECDSA", pub)
	}
	return signature.LoadVerifier(pub, crypto.SHA256)
}

// KeyFromText accepts a key as PEM text, or as the base64 of that PEM (how CI variable stores,
// which keep one line per value, usually hold it).
func KeyFromText(text string) ([]byte, error) {
	trimmed := strings.TrimSpace(text)
	if strings.HasPrefix(trimmed, "-----BEGIN ") {
		return []byte(trimmed + "\n"), nil
	}
	decoded, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(trimmed), ""))
	if err != nil || !bytes.HasPrefix(bytes.TrimSpace(decoded), []byte("-----BEGIN ")) {
		// Never quote the input: it is a private key.
		return nil, errors.New("signing: the key is neither PEM nor base64-encoded PEM")
	}
	return decoded, nil
}
