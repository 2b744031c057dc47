package offline

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// repoRoot is the taskboard checkout this package lives in (hack/enginetest/offline).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !strings.Contains(string(data), "module github.com/devsecops-reference/taskboard\n") {
		t.Fatalf("%s is not the taskboard checkout (%v)", root, err)
	}
	return root
}

// cacheSubdir is a directory under the real cache root, so that downloads survive between runs
// (the Prepare steps are what the engine tests run anyway).
func cacheSubdir(t *testing.T, name string) string {
	t.Helper()
	root, err := CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// requestLog records what a server answered, to show what a client asked for.
type requestLog struct {
	mu      sync.Mutex
	entries []string
	failed  []string
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		line := fmt.Sprintf("%d %s %s", rec.status, r.Method, r.URL.RequestURI())
		l.mu.Lock()
		l.entries = append(l.entries, line)
		if rec.status >= 400 {
			l.failed = append(l.failed, line)
		}
		l.mu.Unlock()
	})
}

func (l *requestLog) snapshot() (all, failed []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.entries...), append([]string(nil), l.failed...)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// serve starts an HTTP server on 127.0.0.1 and returns its base URL. The handler is built
// from that URL (the npm registry must know where it is reached).
func serve(t *testing.T, build func(baseURL string) http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: build(base)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return base
}

// offlineEnv is the environment without proxy and npm settings, plus a dead proxy: any HTTP
// client that honours the proxy variables (Go's, npm's) cannot reach anything but 127.0.0.1.
func offlineEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "npm_config_") || strings.HasSuffix(lk, "_proxy") ||
			(strings.HasPrefix(k, "GO") && k != "GOROOT" && k != "GOPATH" && k != "GOCACHE") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9",
		"http_proxy=http://127.0.0.1:9", "https_proxy=http://127.0.0.1:9",
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
	)
	return append(env, extra...)
}

// run runs a command and returns its combined output; it fails the test if the command fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := runErr(dir, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}
