package main

import (
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/registry"
)

// Registry credentials of the test registry: reads are anonymous (Trivy pulls its DB, cosign
// verifies), writes need them (the release pushes and signs), as on many real registries.
const (
	registryUser     = "ci"
	registryPassword = "enginetest-registry-password"
)

// newRegistry is an OCI registry in memory (go-containerregistry's), with basic auth on writes.
// The serve process seeds it (the Trivy DBs) over loopback, which needs no credentials: nothing
// but that process is on the namespace's loopback.
func newRegistry() http.Handler {
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seeding := strings.HasPrefix(r.RemoteAddr, "127.0.0.1:")
		if !seeding && r.Method != http.MethodGet && r.Method != http.MethodHead {
			if u, p, ok := r.BasicAuth(); !ok || u != registryUser || p != registryPassword {
				w.Header().Set("WWW-Authenticate", `Basic realm="enginetest"`)
				http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
				return
			}
		}
		reg.ServeHTTP(w, r)
	})
}
