package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dagger/pipeline/signing"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tuf"
)

// sigstoreTrust makes the TUF repository of the serve process's log with `dagger call
// sigstore-trust`, as docs/SECURITY.md has a user make one, then serves the exported files and
// follows them with sigstore-go's TUF client (Kyverno's) from the repository's 1.root.json to
// a trusted root that names the log by its key.
func sigstoreTrust(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	rekorPub := filepath.Join(e.work, "rekor.pub") // outside the module's source
	if err := os.WriteFile(rekorPub, e.rekorKey, 0o644); err != nil {
		return err
	}
	out := filepath.Join(e.work, "tuf")
	c := e.call(dir, []string{"ENGINETEST_TUF_KEY=" + string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))},
		"sigstore-trust", "--rekor-url", e.rekorURL, "--rekor-public-key", rekorPub,
		"--valid-from", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "--key", "env://ENGINETEST_TUF_KEY",
		"export", "--path", out)
	if c.err != nil {
		return c.err
	}
	rootJSON, err := os.ReadFile(filepath.Join(out, "1.root.json"))
	if err != nil {
		return err
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	client, err := tuf.New(tuf.DefaultOptions().WithRoot(rootJSON).WithRepositoryBaseURL(srv.URL).WithCachePath(filepath.Join(e.work, "tuf-cache")))
	if err != nil {
		return fmt.Errorf("sigstore-go's TUF client refuses the repository: %w", err)
	}
	target, err := client.GetTarget("trusted_root.json")
	if err != nil {
		return err
	}
	tr, err := root.NewTrustedRootFromJSON(target)
	if err != nil {
		return err
	}
	id, err := signing.LogKeyID(e.rekorKey)
	if err != nil {
		return err
	}
	log, ok := tr.RekorLogs()[id]
	if !ok || !strings.EqualFold(log.BaseURL, e.rekorURL) {
		return fmt.Errorf("the trusted root does not name the log %s (key id %s): %d logs", e.rekorURL, id, len(tr.RekorLogs()))
	}
	return nil
}
