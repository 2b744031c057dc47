package main

import (
	"context"
	"fmt"
	"time"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/sigstoretrust"
)

// SigstoreTrust makes the TUF repository through which the cluster's Kyverno trusts a private
// Rekor log: serve the directory's files as they are (S3 and CloudFront, nginx) at the policies
// chart's verifyImageSignatures.transparencyLog.tuf.mirror, and set tuf.root to its 1.root.json
// in base64 (base64 -w0 1.root.json). Publish a new one, with the same key, before it expires (docs/SECURITY.md).
func (p *Pipeline) SigstoreTrust(
	ctx context.Context,
	// The log's API, as the release and the policy name it (https://rekor.example.com).
	rekorUrl string,
	// The log's public key (PEM; GET <rekor-url>/api/v1/log/publicKey).
	rekorPublicKey *dagger.File,
	// When the log's key first signed, RFC 3339: entries from before are refused.
	validFrom string,
	// The repository's Ed25519 signing key, PKCS #8 PEM (openssl genpkey -algorithm ed25519).
	// Keep it as safe as the release key: it decides which logs the cluster trusts.
	key *dagger.Secret,
	// How long the repository stays valid (a Go duration).
	// +default="8760h"
	expiresIn string,
) (*dagger.Directory, error) {
	from, err := time.Parse(time.RFC3339, validFrom)
	if err != nil {
		return nil, fmt.Errorf("--valid-from: %w", err)
	}
	lifetime, err := time.ParseDuration(expiresIn)
	if err != nil || lifetime <= 0 {
		return nil, fmt.Errorf("--expires-in %q is not a positive Go duration (8760h)", expiresIn)
	}
	logKey, err := rekorPublicKey.Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("--rekor-public-key: %w", err)
	}
	var keyPEM string
	if err := readSecrets(ctx, secret{"TUF repository key", key, &keyPEM}); err != nil {
		return nil, err
	}
	signer, err := sigstoretrust.ParseKey([]byte(keyPEM))
	if err != nil {
		return nil, fmt.Errorf("--key: %w", err)
	}
	trustedRoot, err := sigstoretrust.TrustedRoot(sigstoretrust.Log{URL: rekorUrl, PublicKeyPEM: []byte(logKey), ValidFrom: from})
	if err != nil {
		return nil, err
	}
	repo, err := sigstoretrust.NewRepository(trustedRoot, signer, time.Now().Add(lifetime))
	if err != nil {
		return nil, err
	}
	dir := dag.Directory()
	for name, content := range repo.Files {
		dir = dir.WithNewFile(name, string(content))
	}
	return dir, nil
}
