// Package sigstoretrust makes the Sigstore trust material of a private transparency log: the
// trusted_root.json that names the log's key, and a TUF repository that serves it. Cosign,
// Kyverno and sigstore-go check a log's signed entry timestamps against a trusted root, and
// Kyverno fetches that root from a TUF repository whenever the log is not ignored: the public
// one (tuf-repo-cdn.sigstore.dev) knows only the public-good Rekor, so a private log needs its
// own. Engine-free: the release's tests and `dagger call sigstore-trust` both use it.
package sigstoretrust

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// Log is a Rekor transparency log the cluster trusts.
type Log struct {
	// URL is where the log serves its API (https://rekor.example.com).
	URL string
	// PublicKeyPEM is the key the log signs its entry timestamps with (GET /api/v1/log/publicKey).
	PublicKeyPEM []byte
	// ValidFrom is the first time the key signed: an entry integrated before it is refused.
	ValidFrom time.Time
}

// TrustedRoot returns the trusted_root.json (media type version 0.1) that trusts the log.
//
// Verifiers of the released Kyverno also insist on a certificate transparency log and a Fulcio
// certificate authority in the root, even for keys, whose signatures need neither. Both are
// stand-ins made here whose private halves are discarded at once: they vouch for nothing, and
// with the policy's SCT check off and no keyless attestor nothing asks them to.
func TrustedRoot(log Log) ([]byte, error) {
	u, err := url.Parse(log.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("sigstoretrust: %q is not a Rekor URL", log.URL)
	}
	if log.ValidFrom.IsZero() {
		return nil, errors.New("sigstoretrust: the log's ValidFrom is required (when its key first signed)")
	}
	rekorKey, err := parsePublicKey(log.PublicKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("sigstoretrust: the log's public key: %w", err)
	}
	rekor, err := transparencyLog(log.URL, rekorKey, log.ValidFrom)
	if err != nil {
		return nil, err
	}
	ctKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ct, err := transparencyLog(log.URL, ctKey.Public(), log.ValidFrom)
	if err != nil {
		return nil, err
	}
	ca, err := standInCA(log.ValidFrom)
	if err != nil {
		return nil, err
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{ca},
		map[string]*root.TransparencyLog{hex.EncodeToString(ct.ID): ct},
		nil,
		map[string]*root.TransparencyLog{hex.EncodeToString(rekor.ID): rekor})
	if err != nil {
		return nil, err
	}
	out, err := tr.MarshalJSON()
	if err != nil {
		return nil, err
	}
	// protojson's output is deliberately unstable in its spacing: indent it the same way always.
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, err
	}
	return json.MarshalIndent(v, "", "  ")
}

// transparencyLog describes a log by its key; its ID is the SHA-256 of the key's DER, as Rekor's.
func transparencyLog(baseURL string, key crypto.PublicKey, from time.Time) (*root.TransparencyLog, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(der)
	return &root.TransparencyLog{
		BaseURL:             baseURL,
		ID:                  id[:],
		ValidityPeriodStart: from,
		HashFunc:            crypto.SHA256,
		PublicKey:           key,
		SignatureHashFunc:   crypto.SHA256,
	}, nil
}

// standInCA is a self-signed CA whose key is thrown away: nothing can ever be issued under it.
func standInCA(from time.Time) (*root.FulcioCertificateAuthority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"taskboard"}, CommonName: "no keyless signing (stand-in, key discarded)"},
		NotBefore:             from,
		NotAfter:              from.AddDate(100, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &root.FulcioCertificateAuthority{Root: cert, ValidityPeriodStart: from, URI: "https://fulcio.invalid"}, nil
}

func parsePublicKey(pemBytes []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("not a PEM PUBLIC KEY")
	}
	return x509.ParsePKIXPublicKey(block.Bytes)
}
