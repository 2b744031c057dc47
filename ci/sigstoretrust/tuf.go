package sigstoretrust

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// TrustedRootTarget is the target name sigstore clients (cosign, Kyverno, sigstore-go) fetch.
const TrustedRootTarget = "trusted_root.json"

// Repository is a TUF repository whose one target is a trusted_root.json, laid out as Sigstore's
// own mirror is (consistent snapshots): put Files on any static HTTP(S) server, give clients
// Root as their initial trust, and they follow it to the trusted root.
type Repository struct {
	// Root is 1.root.json: what a client trusts before it has fetched anything (Kyverno's tuf.root).
	Root []byte
	// Files maps each path under the mirror's URL to its content.
	Files map[string][]byte
}

// NewRepository signs a repository serving trustedRoot with key, for every role (one key keeps
// it small: keep it as safe as the release key, since it decides which logs the cluster trusts).
// Every role expires at expires: publish a new repository before then, with the same key.
func NewRepository(trustedRoot []byte, key ed25519.PrivateKey, expires time.Time) (*Repository, error) {
	if len(trustedRoot) == 0 {
		return nil, errors.New("sigstoretrust: an empty trusted root")
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("sigstoretrust: the repository key must be an Ed25519 private key")
	}
	if !expires.After(time.Now()) {
		return nil, fmt.Errorf("sigstoretrust: the repository would expire at once (%s)", expires.Format(time.RFC3339))
	}
	expires = expires.UTC().Truncate(time.Second)

	targets := metadata.Targets(expires)
	target, err := metadata.TargetFile().FromBytes(TrustedRootTarget, trustedRoot, "sha256")
	if err != nil {
		return nil, err
	}
	targets.Signed.Targets[TrustedRootTarget] = target
	snapshot := metadata.Snapshot(expires)
	snapshot.Signed.Meta["targets.json"] = metadata.MetaFile(targets.Signed.Version)
	timestamp := metadata.Timestamp(expires)
	timestamp.Signed.Meta["snapshot.json"] = metadata.MetaFile(snapshot.Signed.Version)
	rootMeta := metadata.Root(expires)
	rootMeta.Signed.ConsistentSnapshot = true
	public, err := metadata.KeyFromPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	for _, role := range []string{metadata.ROOT, metadata.TARGETS, metadata.SNAPSHOT, metadata.TIMESTAMP} {
		if err := rootMeta.Signed.AddKey(public, role); err != nil {
			return nil, err
		}
	}
	signer, err := signature.LoadSigner(key, crypto.Hash(0))
	if err != nil {
		return nil, err
	}

	sum := sha256.Sum256(trustedRoot)
	files := map[string][]byte{
		"targets/" + hex.EncodeToString(sum[:]) + "." + TrustedRootTarget: trustedRoot,
	}
	// Signed in dependency order, each written where a consistent-snapshot client looks for it.
	for _, m := range []struct {
		name string
		meta signedMetadata
	}{
		{"1.root.json", rootMeta},
		{"1.targets.json", targets},
		{"1.snapshot.json", snapshot},
		{"timestamp.json", timestamp},
	} {
		if _, err := m.meta.Sign(signer); err != nil {
			return nil, fmt.Errorf("sigstoretrust: sign %s: %w", m.name, err)
		}
		if files[m.name], err = m.meta.ToBytes(true); err != nil {
			return nil, err
		}
	}
	// Clients that start from root.json without a version (older cosign) find it too.
	files["root.json"] = files["1.root.json"]
	return &Repository{Root: files["1.root.json"], Files: files}, nil
}

// signedMetadata is what every role's metadata (*metadata.Metadata[T]) can do.
type signedMetadata interface {
	Sign(signature.Signer) (*metadata.Signature, error)
	ToBytes(pretty bool) ([]byte, error)
}

// WriteTo writes the repository's files under dir, ready to be served as they are.
func (r *Repository) WriteTo(dir string) error {
	for name, content := range r.Files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ParseKey reads a repository key: an Ed25519 private key in PKCS #8 PEM, as
// `openssl genpkey -algorithm ed25519` writes it.
func ParseKey(pemBytes []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("sigstoretrust: the repository key is not a PKCS #8 PEM private key (-----BEGIN PRIVATE KEY-----)")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("sigstoretrust: the repository key: %w", err)
	}
	ed, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("sigstoretrust: the repository key is a %T, not an Ed25519 key", key)
	}
	return ed, nil
}
