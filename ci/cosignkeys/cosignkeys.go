// Package cosignkeys is a release's signing key in the module process: the given Cosign key, or
// an ephemeral pair made for one run. Signing and attesting always verify what they just made.
package cosignkeys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"dagger/pipeline/signing"
)

// Keys signs and verifies. The private key and its password never leave this process, except
// that an ephemeral pair hands them to the next call of a chain (Ephemeral's result) as secrets.
type Keys struct {
	signer       *signing.Signer
	PublicKeyPEM []byte
	// Ephemeral is set when no key was given and a pair was made for this run.
	Ephemeral bool
	// PrivateKeyPEM and Password are the ephemeral pair's encrypted key and its password.
	PrivateKeyPEM, Password []byte
}

// Ephemeral makes a key pair for one run, encrypted with a random password.
func Ephemeral() (*Keys, error) {
	pass := make([]byte, 32)
	if _, err := rand.Read(pass); err != nil {
		return nil, err
	}
	pass = []byte(hex.EncodeToString(pass))
	pair, err := signing.GenerateKeyPair(pass)
	if err != nil {
		return nil, err
	}
	signer, err := signing.LoadSigner(pair.PrivateKeyPEM, pass)
	if err != nil {
		return nil, err
	}
	return &Keys{signer: signer, PublicKeyPEM: pair.PublicKeyPEM, Ephemeral: true, PrivateKeyPEM: pair.PrivateKeyPEM, Password: pass}, nil
}

// Load decrypts a Cosign private key (PEM, or the text of a secret variable holding it).
func Load(keyText string, password []byte) (*Keys, error) {
	keyPEM, err := signing.KeyFromText(keyText)
	if err != nil {
		return nil, err
	}
	signer, err := signing.LoadSigner(keyPEM, password)
	if err != nil {
		return nil, err
	}
	pub, err := signer.PublicKeyPEM()
	if err != nil {
		return nil, err
	}
	return &Keys{signer: signer, PublicKeyPEM: pub}, nil
}

// Reload is an ephemeral pair again, from what an earlier call of a chain handed on, still
// ephemeral and still handing itself on.
func Reload(privateKeyPEM, password []byte) (*Keys, error) {
	keys, err := Load(string(privateKeyPEM), password)
	if err != nil {
		return nil, err
	}
	keys.Ephemeral, keys.PrivateKeyPEM, keys.Password = true, privateKeyPEM, password
	return keys, nil
}

// SecretName names the secrets that hand an ephemeral pair to the next call, after its public key.
func (k *Keys) SecretName() string {
	sum := sha256.Sum256(k.PublicKeyPEM)
	return "taskboard-ephemeral-cosign-" + hex.EncodeToString(sum[:8])
}

// WithTransparencyLog records every signature and attestation in this Rekor log too, and
// requires the log's signed entry timestamp on each when it is verified.
func (k *Keys) WithTransparencyLog(ctx context.Context, rekorURL string) error {
	if rekorURL == "" {
		return nil
	}
	signer, err := k.signer.WithTransparencyLog(ctx, rekorURL)
	if err != nil {
		return err
	}
	k.signer = signer
	return nil
}

// SignAndVerify signs the image by digest and verifies the signature with the public key; a
// verification failure is an error. Returns the signature's tag.
func (k *Keys) SignAndVerify(ctx context.Context, ref string, reg signing.Registry, annotations map[string]string) (string, error) {
	tag, err := k.signer.SignImage(ctx, ref, reg, annotations)
	if err != nil {
		return "", err
	}
	if _, err := signing.VerifyImage(ctx, ref, reg, k.PublicKeyPEM, k.verifyOptions()...); err != nil {
		return "", fmt.Errorf("the signature just made does not verify: %w", err)
	}
	return tag, nil
}

// AttestAndVerify attaches predicate to the image by digest as a signed in-toto attestation of
// kind (about the image and the more subjects), then verifies it with the public key.
func (k *Keys) AttestAndVerify(ctx context.Context, ref string, reg signing.Registry, kind signing.PredicateKind, predicate []byte, more ...signing.Subject) error {
	if err := k.signer.AttestImage(ctx, ref, reg, kind, predicate, more...); err != nil {
		return err
	}
	if _, err := signing.VerifyAttestations(ctx, ref, reg, k.PublicKeyPEM, kind, k.verifyOptions()...); err != nil {
		return fmt.Errorf("the %s attestation just made does not verify: %w", kind, err)
	}
	return nil
}

// verifyOptions require the log's entry on what was just made, when it was recorded in one.
func (k *Keys) verifyOptions() []signing.VerifyOption {
	if key := k.signer.TransparencyLogKey(); key != nil {
		return []signing.VerifyOption{signing.InTransparencyLog(key)}
	}
	return nil
}
