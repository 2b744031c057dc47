package gitops

import (
	"encoding/pem"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// gitServer is a real git smart-HTTP server: git http-backend behind net/http/cgi, with HTTP
// basic auth checked by the handler, serving one bare repository, repo.git, branch main.
type gitServer struct {
	t     *testing.T
	dir   string // holds repo.git and scratch clones
	bare  string
	URL   string // clone URL of repo.git
	CA    []byte // PEM of the server's certificate, for the HTTPS server
	token string

	mu            sync.Mutex
	receivePacks  int    // POSTs to git-receive-pack that passed auth
	beforeAdvert  func() // runs before each receive-pack ref advertisement
	beforeReceive func() // runs before each receive-pack POST reaches git
}

func newGitServer(t *testing.T, token string, files map[string]string) *gitServer {
	t.Helper()
	return startGitServer(t, token, files, httptest.NewServer)
}

// newTLSGitServer is the same server over HTTPS, with a certificate of httptest's own CA; CA is
// that certificate in PEM.
func newTLSGitServer(t *testing.T, token string, files map[string]string) *gitServer {
	t.Helper()
	return startGitServer(t, token, files, httptest.NewTLSServer)
}

func startGitServer(t *testing.T, token string, files map[string]string, start func(http.Handler) *httptest.Server) *gitServer {
	t.Helper()
	backend := httpBackendPath(t)
	dir := t.TempDir()
	s := &gitServer{t: t, dir: dir, bare: filepath.Join(dir, "repo.git"), token: token}
	s.git(dir, "init", "--quiet", "--bare", "--initial-branch=main", s.bare)
	s.git(s.bare, "config", "http.receivepack", "true")

	seed := filepath.Join(dir, "seed")
	s.git(dir, "clone", "--quiet", s.bare, seed)
	for name, content := range files {
		p := filepath.Join(seed, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s.git(seed, "add", "-A")
	s.git(seed, "commit", "--quiet", "-m", "initial chart")
	s.git(seed, "push", "--quiet", "origin", "HEAD:main")

	cgiHandler := &cgi.Handler{
		Path:       backend,
		Env:        []string{"GIT_PROJECT_ROOT=" + dir, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir},
		InheritEnv: []string{"PATH"},
	}
	srv := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pass, ok := r.BasicAuth(); !ok || pass != s.token {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		s.mu.Lock()
		var hook func()
		switch {
		case r.Method == http.MethodGet && r.URL.Query().Get("service") == "git-receive-pack":
			hook = s.beforeAdvert
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-receive-pack"):
			s.receivePacks++
			hook = s.beforeReceive
		}
		s.mu.Unlock()
		if hook != nil {
			hook()
		}
		cgiHandler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/repo.git"
	if srv.TLS != nil {
		s.CA = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	}
	return s
}

func httpBackendPath(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatalf("git is required for the GitOps tests (apt-get install git): %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("git-http-backend not found at %s (apt-get install git): %v", p, err)
	}
	return p
}

// git runs the git CLI as a test fixture (never the code under test).
func (s *gitServer) git(dir string, args ...string) string {
	s.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+s.dir,
		"GIT_AUTHOR_NAME=Other Writer", "GIT_AUTHOR_EMAIL=other@example.com",
		"GIT_COMMITTER_NAME=Other Writer", "GIT_COMMITTER_EMAIL=other@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// concurrentCommit is another writer pushing straight to the bare repository: it sets the
// file to edit(current) and pushes a commit with the given message.
func (s *gitServer) concurrentCommit(name, message string, edit func(string) string) {
	s.t.Helper()
	clone, err := os.MkdirTemp(s.dir, "writer-")
	if err != nil {
		s.t.Fatal(err)
	}
	defer os.RemoveAll(clone)
	s.git(s.dir, "clone", "--quiet", s.bare, clone)
	p := filepath.Join(clone, name)
	cur, _ := os.ReadFile(p)
	if err := os.WriteFile(p, []byte(edit(string(cur))), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.git(clone, "commit", "--quiet", "-am", message)
	s.git(clone, "push", "--quiet", "origin", "HEAD:main")
}

// log is the branch's commit subjects, newest first.
func (s *gitServer) log() []string {
	return strings.Split(s.git(s.bare, "log", "--format=%s", "main"), "\n")
}

func (s *gitServer) show(path string) string { return s.git(s.bare, "show", "main:"+path) }

func (s *gitServer) head() string { return s.git(s.bare, "rev-parse", "main") }

// pushes counts the receive-pack POSTs that passed auth.
func (s *gitServer) pushes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.receivePacks
}
