package helm

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	toolMu    sync.Mutex
	toolPaths = map[string]string{}
)

// tool returns the path of an upstream CLI built by scripts/tool-<name>.sh from the Go module
// proxy and cached under ${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools. A cold build takes
// ten minutes or more: `make test-go` runs the scripts before `go test`.
func tool(t *testing.T, name string) string {
	t.Helper()
	toolMu.Lock()
	defer toolMu.Unlock()
	if p, ok := toolPaths[name]; ok {
		return p
	}
	script, err := filepath.Abs(filepath.Join("..", "scripts", "tool-"+name+".sh"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("bash", script)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("cannot build %s with %s (needs Go and the Go module proxy): %v\n%s", name, script, err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	p := lines[len(lines)-1]
	toolPaths[name] = p
	return p
}

// run executes a command and returns its combined output and exit error.
func run(t *testing.T, dir, bin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}
