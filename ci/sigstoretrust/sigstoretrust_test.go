package sigstoretrust

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tuf"
)

func logKey(t *testing.T) ([]byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), der
}

// The trusted root is what sigstore-go reads, and names the log by Rekor's log ID.
func TestTrustedRootNamesTheLog(t *testing.T) {
	pemKey, der := logKey(t)
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	b, err := TrustedRoot(Log{URL: "https://rekor.example.com", PublicKeyPEM: pemKey, ValidFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := root.NewTrustedRootFromJSON(b)
	if err != nil {
		t.Fatalf("sigstore-go refuses the trusted root: %v\n%s", err, b)
	}
	id := sha256.Sum256(der)
	logs := tr.RekorLogs()
	log, ok := logs[hex.EncodeToString(id[:])]
	if len(logs) != 1 || !ok {
		t.Fatalf("want one Rekor log with ID sha256(key), got %d logs", len(logs))
	}
	if log.BaseURL != "https://rekor.example.com" || !log.ValidityPeriodStart.Equal(from) {
		t.Fatalf("log %s from %s", log.BaseURL, log.ValidityPeriodStart)
	}
	// The stand-ins Kyverno insists on are there, and trust nothing of the log's.
	if len(tr.CTLogs()) != 1 || len(tr.FulcioCertificateAuthorities()) != 1 {
		t.Fatalf("want one CT log and one CA stand-in, got %d and %d", len(tr.CTLogs()), len(tr.FulcioCertificateAuthorities()))
	}
	if _, same := tr.CTLogs()[hex.EncodeToString(id[:])]; same {
		t.Fatal("the CT log stand-in has the Rekor log's key")
	}
}

func TestTrustedRootRefusesBadInput(t *testing.T) {
	pemKey, _ := logKey(t)
	from := time.Now()
	for _, tc := range []struct {
		name string
		log  Log
		want string
	}{
		{"no url", Log{PublicKeyPEM: pemKey, ValidFrom: from}, "is not a Rekor URL"},
		{"ftp url", Log{URL: "ftp://rekor.example.com", PublicKeyPEM: pemKey, ValidFrom: from}, "is not a Rekor URL"},
		{"no key", Log{URL: "https://rekor.example.com", ValidFrom: from}, "not a PEM PUBLIC KEY"},
		{"private key", Log{URL: "https://rekor.example.com", PublicKeyPEM: []byte("-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n"), ValidFrom: from}, "not a PEM PUBLIC KEY"},
		{"no start", Log{URL: "https://rekor.example.com", PublicKeyPEM: pemKey}, "ValidFrom is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := TrustedRoot(tc.log); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}

// sigstore-go's TUF client (the one Kyverno fetches trusted_root.json with), starting from the
// repository's root alone, reaches the trusted root through the served files.
func TestRepositoryServesTheTrustedRootToSigstoreClients(t *testing.T) {
	pemKey, _ := logKey(t)
	trustedRoot, err := TrustedRoot(Log{URL: "https://rekor.example.com", PublicKeyPEM: pemKey, ValidFrom: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	repo, url := servedRepository(t, trustedRoot)
	client, err := tuf.New(tuf.DefaultOptions().WithRoot(repo.Root).WithRepositoryBaseURL(url).WithCachePath(t.TempDir()))
	if err != nil {
		t.Fatalf("the TUF client refuses the repository: %v", err)
	}
	got, err := client.GetTarget(TrustedRootTarget)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(trustedRoot) {
		t.Fatal("the served trusted root differs from the one given")
	}

	// A repository signed by another key is not followed from this root.
	_, forged := servedRepository(t, []byte(`{"forged":true}`))
	if _, err := tuf.New(tuf.DefaultOptions().WithRoot(repo.Root).WithRepositoryBaseURL(forged).WithCachePath(t.TempDir())); err == nil {
		t.Fatal("a repository signed with another key was accepted")
	}
}

// servedRepository signs a repository of trustedRoot with a new key and serves it for the test.
func servedRepository(t *testing.T, trustedRoot []byte) (*Repository, string) {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	repo, err := NewRepository(trustedRoot, key, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := repo.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return repo, srv.URL
}

func TestRepositoryRefusesBadInput(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := NewRepository(nil, key, time.Now().Add(time.Hour)); err == nil {
		t.Fatal("an empty trusted root was accepted")
	}
	if _, err := NewRepository([]byte("{}"), key[:10], time.Now().Add(time.Hour)); err == nil {
		t.Fatal("a short key was accepted")
	}
	if _, err := NewRepository([]byte("{}"), key, time.Now().Add(-time.Hour)); err == nil || !strings.Contains(err.Error(), "expire at once") {
		t.Fatalf("an expired repository: %v", err)
	}
}

// The key reads as PKCS #8 PEM (what `openssl genpkey -algorithm ed25519` writes); other keys
// and text are refused, naming what is wrong.
func TestParseKey(t *testing.T) {
	pkcs8 := func(key any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	got, err := ParseKey(pkcs8(edKey))
	if err != nil || !got.Equal(edKey) {
		t.Fatalf("an Ed25519 key: %v", err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ec := pkcs8(ecKey)
	for _, tc := range []struct {
		name string
		key  []byte
		want string
	}{
		{"an EC key", ec, "not an Ed25519 key"},
		{"a public key", []byte("-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n"), "not a PKCS #8 PEM private key"},
		{"no PEM", []byte("ed25519"), "not a PKCS #8 PEM private key"},
		{"a bad body", []byte("-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"), "the repository key:"},
	} {
		if _, err := ParseKey(tc.key); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
