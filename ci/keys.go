package main

import (
	"context"
	"fmt"

	"dagger/pipeline/cosignkeys"
	"dagger/pipeline/internal/dagger"
)

// loadKeys decrypts the key of with-cosign-key, or makes an ephemeral pair when none was given,
// and adds the Rekor log at rekorURL ("" for none).
func (p *Pipeline) loadKeys(ctx context.Context, rekorURL string) (*cosignkeys.Keys, error) {
	var keys *cosignkeys.Keys
	var pem, pass string
	err := readSecrets(ctx, secret{"cosign key", p.CosignKey, &pem}, secret{"cosign password", p.CosignPassword, &pass})
	switch {
	case err == nil && p.CosignKey == nil:
		keys, err = cosignkeys.Ephemeral()
	case err == nil:
		keys, err = cosignkeys.Load(pem, []byte(pass))
	}
	if err != nil {
		return nil, err
	}
	return keys, keys.WithTransparencyLog(ctx, rekorURL)
}

// secret is one secret to read into the module process, named for errors.
type secret struct {
	name string
	from *dagger.Secret
	into *string
}

// readSecrets reads the given secrets (nil ones stay empty) into this process: the only place
// a secret's plaintext is read, and nothing here builds a container.
func readSecrets(ctx context.Context, secrets ...secret) error {
	for _, s := range secrets {
		if s.from == nil {
			continue
		}
		v, err := s.from.Plaintext(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		*s.into = v
	}
	return nil
}
