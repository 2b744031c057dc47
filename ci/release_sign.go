package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/signing"
)

// cosignKeys is the release's signing key, loaded in the module process.
type cosignKeys struct {
	signer       *signing.Signer
	publicKeyPEM []byte
	// ephemeral is true when no key was given and a pair was made for this run.
	ephemeral bool
}

// loadCosignKeys decrypts the given key, or makes an ephemeral pair when none is given. The
// private key and its password never leave this process.
func loadCosignKeys(ctx context.Context, key, password *dagger.Secret, rekorURL string) (*cosignKeys, error) {
	keys, err := loadCosignKeyPair(ctx, key, password)
	if err != nil || rekorURL == "" {
		return keys, err
	}
	// Asked for: record every signature and attestation in this Rekor log too.
	if keys.signer, err = keys.signer.WithTransparencyLog(rekorURL); err != nil {
		return nil, err
	}
	return keys, nil
}

func loadCosignKeyPair(ctx context.Context, key, password *dagger.Secret) (*cosignKeys, error) {
	if key == nil {
		if password != nil {
			return nil, fmt.Errorf("--cosign-password was given without --cosign-key")
		}
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
		return &cosignKeys{signer: signer, publicKeyPEM: pair.PublicKeyPEM, ephemeral: true}, nil
	}
	pem, err := key.Plaintext(ctx)
	if err != nil {
		return nil, fmt.Errorf("cosign key: %w", err)
	}
	var pass string
	if password != nil {
		if pass, err = password.Plaintext(ctx); err != nil {
			return nil, fmt.Errorf("cosign password: %w", err)
		}
	}
	keyPEM, err := signing.KeyFromText(pem)
	if err != nil {
		return nil, err
	}
	signer, err := signing.LoadSigner(keyPEM, []byte(pass))
	if err != nil {
		return nil, err
	}
	pub, err := signer.PublicKeyPEM()
	if err != nil {
		return nil, err
	}
	return &cosignKeys{signer: signer, publicKeyPEM: pub}, nil
}

// signAndVerify signs the image by digest and verifies the signature with the public key; a
// verification failure is an error.
func signAndVerify(ctx context.Context, keys *cosignKeys, reg signing.Registry, ref string, annotations map[string]string) (string, error) {
	tag, err := keys.signer.SignImage(ctx, ref, reg, annotations)
	if err != nil {
		return "", err
	}
	if _, err := signing.VerifyImage(ctx, ref, reg, keys.publicKeyPEM); err != nil {
		return "", fmt.Errorf("the signature just made does not verify: %w", err)
	}
	return tag, nil
}

// Sign signs an image by digest with Cosign, in the module process, and stores the signature
// at the image's sha256-<hex>.sig tag, where Kyverno's image verification reads it. Nothing is
// uploaded to a transparency log unless --rekor-url is given. With no --cosign-key, an ephemeral key pair is made for this
// call; --rekor-url records the signature in a transparency log as well. The signature is verified with the public key before returning; the public key (PEM)
// is returned.
//
// +cache="never"
func (p *Pipeline) Sign(
	ctx context.Context,
	// The image by digest: registry/repository@sha256:...
	imageRef string,
	// Cosign private key (cosign.key, encrypted PEM), e.g. env://COSIGN_PRIVATE_KEY.
	// +optional
	cosignKey *dagger.Secret,
	// Password of the Cosign private key, e.g. env://COSIGN_PASSWORD.
	// +optional
	cosignPassword *dagger.Secret,
	// Also record the signature in this Rekor transparency log (e.g. https://rekor.sigstore.dev).
	// Off unless given.
	// +optional
	rekorUrl string,
	// Registry host and optional namespace. Not needed for ECR.
	// +optional
	registry string,
	// Registry username (with --registry-password).
	// +optional
	registryUsername string,
	// Registry password or token.
	// +optional
	registryPassword *dagger.Secret,
	// AWS account that owns the ECR registry (12 digits).
	// +optional
	awsAccountId string,
	// AWS region of the ECR registry.
	// +optional
	awsRegion string,
	// AWS access key ID.
	// +optional
	awsAccessKeyId *dagger.Secret,
	// AWS secret access key.
	// +optional
	awsSecretAccessKey *dagger.Secret,
	// AWS session token, for temporary credentials.
	// +optional
	awsSessionToken *dagger.Secret,
) (*dagger.File, error) {
	reg, err := signingRegistry(ctx, registryFlags{registry, registryUsername, registryPassword, awsAccountId, awsRegion, awsAccessKeyId, awsSecretAccessKey, awsSessionToken})
	if err != nil {
		return nil, err
	}
	keys, err := loadCosignKeys(ctx, cosignKey, cosignPassword, rekorUrl)
	if err != nil {
		return nil, err
	}
	if _, err := signAndVerify(ctx, keys, reg, imageRef, nil); err != nil {
		return nil, err
	}
	return dag.Directory().WithNewFile("cosign.pub", string(keys.publicKeyPEM)).File("cosign.pub"), nil
}

// Attest attaches an SBOM to an image by digest as a signed in-toto attestation (Cosign's
// .att tag, DSSE envelope), then verifies it with the public key. Returns the public key (PEM).
//
// +cache="never"
func (p *Pipeline) Attest(
	ctx context.Context,
	// The image by digest: registry/repository@sha256:...
	imageRef string,
	// The SBOM, e.g. sbom.spdx.json from the sbom function.
	sbom *dagger.File,
	// The SBOM format: spdxjson or cyclonedx.
	// +default="spdxjson"
	sbomFormat string,
	// Cosign private key (cosign.key, encrypted PEM).
	// +optional
	cosignKey *dagger.Secret,
	// Password of the Cosign private key.
	// +optional
	cosignPassword *dagger.Secret,
	// Also record the attestation in this Rekor transparency log. Off unless given.
	// +optional
	rekorUrl string,
	// Registry host and optional namespace. Not needed for ECR.
	// +optional
	registry string,
	// Registry username (with --registry-password).
	// +optional
	registryUsername string,
	// Registry password or token.
	// +optional
	registryPassword *dagger.Secret,
	// AWS account that owns the ECR registry (12 digits).
	// +optional
	awsAccountId string,
	// AWS region of the ECR registry.
	// +optional
	awsRegion string,
	// AWS access key ID.
	// +optional
	awsAccessKeyId *dagger.Secret,
	// AWS secret access key.
	// +optional
	awsSecretAccessKey *dagger.Secret,
	// AWS session token, for temporary credentials.
	// +optional
	awsSessionToken *dagger.Secret,
) (*dagger.File, error) {
	reg, err := signingRegistry(ctx, registryFlags{registry, registryUsername, registryPassword, awsAccountId, awsRegion, awsAccessKeyId, awsSecretAccessKey, awsSessionToken})
	if err != nil {
		return nil, err
	}
	keys, err := loadCosignKeys(ctx, cosignKey, cosignPassword, rekorUrl)
	if err != nil {
		return nil, err
	}
	doc, err := sbom.Contents(ctx)
	if err != nil {
		return nil, err
	}
	if err := attestAndVerify(ctx, keys, reg, imageRef, signing.PredicateKind(sbomFormat), []byte(doc)); err != nil {
		return nil, err
	}
	return dag.Directory().WithNewFile("cosign.pub", string(keys.publicKeyPEM)).File("cosign.pub"), nil
}

func attestAndVerify(ctx context.Context, keys *cosignKeys, reg signing.Registry, ref string, kind signing.PredicateKind, doc []byte) error {
	if err := keys.signer.AttestImage(ctx, ref, reg, kind, doc); err != nil {
		return err
	}
	if _, err := signing.VerifyAttestations(ctx, ref, reg, keys.publicKeyPEM, kind); err != nil {
		return fmt.Errorf("the %s attestation just made does not verify: %w", kind, err)
	}
	return nil
}

// signingRegistry is the module process's login to a real registry. Signing needs images that
// were pushed already, so a throwaway registry makes no sense here.
func signingRegistry(ctx context.Context, f registryFlags) (signing.Registry, error) {
	if f.registry == "" && f.username == "" && f.password == nil && f.awsAccountID == "" && f.awsRegion == "" && f.awsAccessKeyID == nil && f.awsSecretAccessKey == nil {
		// Anonymous access to a registry named in the reference itself (e.g. a local one).
		return signing.Registry{}, nil
	}
	t, err := openRegistry(ctx, f)
	if err != nil {
		return signing.Registry{}, err
	}
	return t.auth, nil
}
