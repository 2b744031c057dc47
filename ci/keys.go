package main

import (
	"context"
	"fmt"

	"dagger/pipeline/cosignkeys"
)

// loadKeys decrypts the key of with-cosign-key, or makes an ephemeral pair when none was given,
// and adds the Rekor log when one was asked for.
func (p *Pipeline) loadKeys(ctx context.Context) (*cosignkeys.Keys, error) {
	var keys *cosignkeys.Keys
	var err error
	if p.CosignKey == nil {
		keys, err = cosignkeys.Ephemeral()
	} else {
		keys, err = p.givenKeys(ctx)
	}
	if err != nil {
		return nil, err
	}
	return keys, keys.WithTransparencyLog(p.RekorURL)
}

func (p *Pipeline) givenKeys(ctx context.Context) (*cosignkeys.Keys, error) {
	pem, err := p.CosignKey.Plaintext(ctx)
	if err != nil {
		return nil, fmt.Errorf("cosign key: %w", err)
	}
	var pass string
	if p.CosignPassword != nil {
		if pass, err = p.CosignPassword.Plaintext(ctx); err != nil {
			return nil, fmt.Errorf("cosign password: %w", err)
		}
	}
	return cosignkeys.Load(pem, []byte(pass))
}
