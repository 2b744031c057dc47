package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"dagger/pipeline/cosignkeys"
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/signing"
)

// Published is an image in a registry, by digest, with what it takes to sign and attest it
// there: `dagger call publish --image ... sign attest --predicate ... ref`. A chain on the
// throwaway registry keeps that registry, and one ephemeral key signs the whole chain.
type Published struct {
	// The image by digest: registry/repository@sha256:...
	Ref string
	// The public key (PEM) that verifies what sign and attest made in this chain; set by them.
	PublicKey *dagger.File

	// +private
	Pipeline *Pipeline
	// The throwaway registry, nil for a real one.
	// +private
	Registry *dagger.Service
	// The chain's ephemeral key pair, when with-cosign-key gave none.
	// +private
	EphemeralKey *dagger.Secret
	// +private
	EphemeralPassword *dagger.Secret
}

// Publish pushes an image and returns it by digest, ready to sign and attest. It goes to the
// registry of with-ecr or with-registry; with neither, to a throwaway registry that lasts for
// this chain of calls (its storage is an engine cache volume of its own).
//
// +cache="never"
func (p *Pipeline) Publish(
	ctx context.Context,
	// The image to push, e.g. the output of build.
	image *dagger.Container,
	// The repository name inside the registry, e.g. taskboard-backend.
	repository string,
	// The tag to push, e.g. the git SHA.
	tag string,
) (*Published, error) {
	volume := ""
	if p.RegistryKind == "" {
		id := make([]byte, 8)
		if _, err := rand.Read(id); err != nil {
			return nil, err
		}
		volume = "taskboard-throwaway-registry-" + hex.EncodeToString(id)
	}
	target, err := p.openRegistry(ctx, volume)
	if err != nil {
		return nil, err
	}
	// Nothing records when this image was built: nothing in it is later than now.
	ref, _, err := publishVariants(ctx, target, []*dagger.Container{image}, target.plan.Path(target.host, repository), tag, time.Now())
	if err != nil {
		return nil, err
	}
	return &Published{Ref: ref, Pipeline: p, Registry: target.service}, nil
}

// Published is an image already in a registry (by digest), to sign or attest: with
// with-registry or with-ecr for its login, or none for anonymous access.
func (p *Pipeline) Published(
	// The image by digest: registry/repository@sha256:...
	ref string,
) (*Published, error) {
	if !strings.Contains(ref, "@sha256:") {
		return nil, fmt.Errorf("%s is not a reference by digest (registry/repository@sha256:...)", ref)
	}
	return &Published{Ref: ref, Pipeline: p}, nil
}

// Sign signs the image by digest with Cosign, in the module process, and stores the signature
// at its sha256-<hex>.sig tag, where Kyverno and cosign look. The signature is verified with the
// public key before this returns.
//
// +cache="never"
func (i *Published) Sign(ctx context.Context) (*Published, error) {
	return i.with(ctx, func(keys *cosignkeys.Keys, ref string, reg signing.Registry) error {
		_, err := keys.SignAndVerify(ctx, ref, reg, nil)
		return err
	})
}

// Attest attaches a document to the image as a signed in-toto attestation (Cosign's .att tag,
// DSSE envelope), then verifies it with the public key.
//
// +cache="never"
func (i *Published) Attest(
	ctx context.Context,
	// The predicate, e.g. sbom.spdx.json from the sbom function.
	predicate *dagger.File,
	// Its type, as cosign attest --type names it: spdxjson, cyclonedx, slsaprovenance1, vuln or openvex.
	// +default="spdxjson"
	predicateType string,
) (*Published, error) {
	doc, err := predicate.Contents(ctx)
	if err != nil {
		return nil, err
	}
	return i.with(ctx, func(keys *cosignkeys.Keys, ref string, reg signing.Registry) error {
		return keys.AttestAndVerify(ctx, ref, reg, signing.PredicateKind(predicateType), []byte(doc))
	})
}

// with runs one signing step against the image's registry with the chain's key and returns the
// image with that key's public half.
func (i *Published) with(ctx context.Context, step func(*cosignkeys.Keys, string, signing.Registry) error) (*Published, error) {
	reg, err := i.login(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := i.chainKeys(ctx)
	if err != nil {
		return nil, err
	}
	if err := step(keys, i.Ref, reg); err != nil {
		return nil, err
	}
	next := *i
	next.PublicKey = dag.Directory().WithNewFile("cosign.pub", string(keys.PublicKeyPEM)).File("cosign.pub")
	if keys.Ephemeral {
		// The next call of the chain must sign with this same pair.
		name := keys.SecretName()
		next.EphemeralKey = dag.SetSecret(name+"-key", string(keys.PrivateKeyPEM))
		next.EphemeralPassword = dag.SetSecret(name+"-password", string(keys.Password))
	}
	return &next, nil
}

// login reaches the image's registry: the throwaway one again (restarted on its storage if it
// stopped), the configured one, or anonymously.
func (i *Published) login(ctx context.Context) (signing.Registry, error) {
	switch {
	case i.Registry != nil:
		t, err := reachThrowawayRegistry(ctx, i.Registry)
		if err == nil && !strings.HasPrefix(i.Ref, t.host+"/") {
			// The service's host name comes from its definition, so it stays the same.
			err = fmt.Errorf("the throwaway registry came back at %s, but the image is %s", t.host, i.Ref)
		}
		if err != nil {
			return signing.Registry{}, err
		}
		return t.auth, nil
	case i.Pipeline.RegistryKind == "":
		return signing.Registry{}, nil
	}
	t, err := i.Pipeline.openRegistry(ctx, "")
	if err != nil {
		return signing.Registry{}, err
	}
	return t.auth, nil
}

// chainKeys is the chain's key: with-cosign-key's, the pair an earlier call made, or a new pair.
func (i *Published) chainKeys(ctx context.Context) (*cosignkeys.Keys, error) {
	if i.Pipeline.CosignKey != nil || i.EphemeralKey == nil {
		return i.Pipeline.loadKeys(ctx, i.Pipeline.RekorURL)
	}
	var pem, pass string
	if err := readSecrets(ctx, secret{"ephemeral key", i.EphemeralKey, &pem}, secret{"ephemeral key password", i.EphemeralPassword, &pass}); err != nil {
		return nil, err
	}
	keys, err := cosignkeys.Reload([]byte(pem), []byte(pass))
	if err != nil {
		return nil, err
	}
	return keys, keys.WithTransparencyLog(ctx, i.Pipeline.RekorURL)
}
