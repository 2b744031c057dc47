package main

import (
	"fmt"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// The GitOps repository's token, checked by HTTP basic auth.
const gitToken = "enginetest-git-token"

// gitServer is git http-backend behind net/http/cgi with basic auth: a real smart-HTTP server,
// serving gitops.git (branch main) seeded with the repository's values file.
type gitServer struct {
	dir, bare string
	handler   http.Handler

	mu sync.Mutex
	// interleave, when set, makes one other commit before the next receive-pack POST reaches
	// git, so that the release's push is rejected once and must retry.
	interleave bool
}

func newGitServer(dir, valuesPath string, values []byte) (*gitServer, error) {
	backend, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		return nil, fmt.Errorf("git --exec-path: %w (install git)", err)
	}
	s := &gitServer{dir: dir, bare: filepath.Join(dir, "gitops.git")}
	seed := filepath.Join(dir, "seed")
	if err := os.MkdirAll(filepath.Join(seed, filepath.Dir(valuesPath)), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(seed, valuesPath), values, 0o644); err != nil {
		return nil, err
	}
	steps := [][]string{
		{"init", "--quiet", "--bare", "--initial-branch=main", s.bare},
		{"-C", s.bare, "config", "http.receivepack", "true"},
		{"-C", seed, "init", "--quiet", "--initial-branch=main"},
		{"-C", seed, "add", "-A"},
		{"-C", seed, "commit", "--quiet", "-m", "initial values"},
		{"-C", seed, "push", "--quiet", s.bare, "HEAD:main"},
	}
	for _, args := range steps {
		if err := s.git(args...); err != nil {
			return nil, err
		}
	}
	cgiHandler := &cgi.Handler{
		Path:       filepath.Join(strings.TrimSpace(string(backend)), "git-http-backend"),
		Env:        []string{"GIT_PROJECT_ROOT=" + dir, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir},
		InheritEnv: []string{"PATH"},
	}
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pass, ok := r.BasicAuth(); !ok || pass != gitToken {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-receive-pack") {
			s.mu.Lock()
			other := s.interleave
			s.interleave = false
			s.mu.Unlock()
			if other {
				if err := s.concurrentCommit(valuesPath); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
		}
		cgiHandler.ServeHTTP(w, r)
	})
	return s, nil
}

// concurrentCommit is another writer: it appends a comment to the values file on main.
func (s *gitServer) concurrentCommit(valuesPath string) error {
	work := filepath.Join(s.dir, "other")
	os.RemoveAll(work)
	if err := s.git("clone", "--quiet", s.bare, work); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(work, valuesPath), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fmt.Fprintln(f, "# a concurrent writer was here")
	f.Close()
	for _, args := range [][]string{
		{"-C", work, "commit", "--quiet", "-am", "concurrent writer"},
		{"-C", work, "push", "--quiet", "origin", "HEAD:main"},
	} {
		if err := s.git(args...); err != nil {
			return err
		}
	}
	return nil
}

// log is the branch's commit subjects, newest first.
func (s *gitServer) log() ([]string, error) {
	out, err := exec.Command("git", "-C", s.bare, "log", "--format=%s", "main").Output()
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n"), nil
}

func (s *gitServer) git(args ...string) error {
	cmd := exec.Command("git", append([]string{"-c", "user.name=other", "-c", "user.email=other@invalid"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+s.dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}
