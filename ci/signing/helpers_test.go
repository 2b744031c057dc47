package signing

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/registry"

	"dagger/pipeline/rekorlog"
)

func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }

func basicAuth(reg Registry) authn.Authenticator {
	return &authn.Basic{Username: reg.Username, Password: reg.Password}
}

// plainRegistry starts go-containerregistry's registry for the test and returns its host: it,
// the release code and the CLIs all speak plain HTTP to 127.0.0.1.
func plainRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(nopLogger())))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// repositoryRoot is the repository's root, for its scripts and charts.
func repositoryRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// syftSBOM is a real Syft SBOM, format spdx or cyclonedx: what the tests attest.
func syftSBOM(t *testing.T, format string) []byte {
	t.Helper()
	sbom, err := os.ReadFile("../sbom/testdata/syft-" + format + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return sbom
}

// startLog runs a private Rekor log (ci/rekorlog) for the test, on loopback.
func startLog(t *testing.T) *rekorlog.Log {
	t.Helper()
	log, err := rekorlog.Start(context.Background(), rekorlog.Options{Repo: repositoryRoot(t), Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		log.Stop()
		if t.Failed() {
			t.Logf("the Rekor log's programs said:\n%s", log.Logs(3000))
		}
	})
	return log
}
