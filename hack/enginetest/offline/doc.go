// Package offline serves, from files, the four downloads that the pipeline's containers make:
// Go modules (GOPROXY), npm packages (an npm registry), Kubernetes JSON schemas (kubeconform's
// schema locations) and the Trivy vulnerability database (an OCI artifact in a registry).
//
// Containers under the test engine have no network, and a user behind a corporate mirror
// configures exactly these four sources, so the engine tests serve them locally. Each source is
// split in two steps:
//
//   - Prepare... runs on the host, may use the network, and writes into a cache directory;
//   - a server (an http.Handler) reads only that directory and never touches the network, so it
//     can run inside the engine's network namespace.
//
// The handlers expect paths relative to their mount point, so one mux can hold all of them:
//
//	mux := http.NewServeMux()
//	mux.Handle("/goproxy/", http.StripPrefix("/goproxy", offline.GoProxy(downloadDir)))
//	mux.Handle("/npm/", http.StripPrefix("/npm", offline.Npm(npmDir, base+"/npm")))
//	mux.Handle("/schemas/", http.StripPrefix("/schemas", offline.Schemas(schemaDir)))
//
// The Trivy database is not served by a handler of this package: PushTrivyDB pushes it into
// any OCI registry (an in-process go-containerregistry registry in the tests).
package offline

import (
	"fmt"
	"os"
	"path/filepath"
)

// CacheDir returns the cache root of the engine tests,
// ${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-enginetest, creating it if needed.
func CacheDir() (string, error) {
	base, err := os.UserCacheDir() // XDG_CACHE_HOME, else $HOME/.cache
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w", err)
	}
	dir := filepath.Join(base, "taskboard-enginetest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, nil
}

// Subdirectories of CacheDir that hold each prepared source. The Go modules stay in the host's
// module cache (GoModDownloadDir), which already has the GOPROXY layout.
const (
	NpmCacheSubdir     = "npm"
	SchemasCacheSubdir = "schemas"
	TrivyDBCacheSubdir = "trivy-db"
	ToolsCacheSubdir   = "tools"
)
