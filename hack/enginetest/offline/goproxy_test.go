package offline

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGoProxyServesOnlyProtocolFiles(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "example.com", "!upper", "@v")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	for f, content := range map[string]string{
		"list": "v1.0.0\n", "v1.0.0.info": `{"Version":"v1.0.0"}`, "v1.0.0.mod": "module example.com/Upper\n",
		"v1.0.0.zip": "PK", "v1.0.0.lock": "", "v1.0.0.ziphash": "h1:x",
	} {
		if err := os.WriteFile(filepath.Join(mod, f), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.StripPrefix("/goproxy", GoProxy(dir)))
	defer srv.Close()
	for p, want := range map[string]int{
		"/example.com/!upper/@v/list":           200,
		"/example.com/!upper/@v/v1.0.0.info":    200,
		"/example.com/!upper/@v/v1.0.0.mod":     200,
		"/example.com/!upper/@v/v1.0.0.zip":     200,
		"/example.com/!upper/@v/v1.0.0.lock":    404,
		"/example.com/!upper/@v/v1.0.0.ziphash": 404,
		"/example.com/!upper/@v/v2.0.0.info":    404,
		"/example.com/!upper/@latest":           404,
		"/example.com/!upper/@v/":               404,
		"/example.com/":                         404,
		"/sumdb/sum.golang.org/supported":       404,
		"/../../etc/passwd":                     404,
	} {
		resp, err := http.Get(srv.URL + "/goproxy" + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", p, resp.StatusCode, want)
		}
	}
}

// TestGoProxyDownloadsTheModules points a fresh module cache at the GoProxy handler over the
// host's module cache and downloads, then loads, everything the repository's Go builds and tests
// need: no other proxy, no checksum database, and a dead HTTP proxy for anything else. go.sum
// still verifies every zip.
func TestGoProxyDownloadsTheModules(t *testing.T) {
	root := repoRoot(t)
	ci := filepath.Join(root, "ci")
	if err := PrepareGoModules(root, ci); err != nil {
		t.Fatal(err)
	}
	download, err := GoModDownloadDir()
	if err != nil {
		t.Fatal(err)
	}
	var log requestLog
	base := serve(t, func(string) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/goproxy/", log.wrap(http.StripPrefix("/goproxy", GoProxy(download))))
		return mux
	})

	modcache := t.TempDir()
	// Module caches are read-only: let go remove it before t.TempDir's cleanup does.
	t.Cleanup(func() {
		runErr(root, offlineEnv("GOMODCACHE="+modcache, "GOTOOLCHAIN=local"), "go", "clean", "-modcache")
	})

	for _, tc := range []struct{ name, dir, pattern string }{
		{"root module", root, "./backend/..."},
		{"ci module", ci, "./..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A copy of go.mod and go.sum (-modfile): -mod=mod must not edit the checkout.
			tmp := t.TempDir()
			for _, f := range []string{"go.mod", "go.sum"} {
				data, err := os.ReadFile(filepath.Join(tc.dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(tmp, f), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := offlineEnv(append(GoProxyEnv(base+"/goproxy"), "GOMODCACHE="+modcache)...)
			for i, kv := range env {
				if kv == "GOFLAGS=-mod=mod" {
					env[i] = "GOFLAGS=-mod=mod -modfile=" + filepath.Join(tmp, "go.mod")
				}
			}
			run(t, tc.dir, env, "go", "mod", "download")
			run(t, tc.dir, env, "go", "list", "-deps", "-test", tc.pattern)
		})
	}
	all, failed := log.snapshot()
	t.Logf("%d GOPROXY requests, %d not found", len(all), len(failed))
	for _, f := range failed {
		if !strings.HasSuffix(f, "/@latest") && !strings.HasSuffix(f, "/@v/list") {
			t.Errorf("GOPROXY request failed: %s", f)
		}
	}
}
