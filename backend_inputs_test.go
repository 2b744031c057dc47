package repo_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The validate stage that tests the backend mounts go.mod, go.sum and backend/ only
// (ci/stageinputs): the backend's packages, tests included, must import nothing of this module
// from elsewhere, or that stage would fail to build, and a change there would not rerun it.
func TestBackendImportsNothingOutsideBackend(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", "-f", "{{if .Module}}{{if .Module.Main}}{{.ImportPath}}{{end}}{{end}}", "./backend/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const backend = "github.com/devsecops-reference/taskboard/backend"
	var n int
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// "path", "path [path.test]" (compiled for a test), "path_test" (an external test package)
		// or "path.test" (the test main).
		pkg := strings.TrimSuffix(strings.TrimSuffix(strings.Fields(line)[0], ".test"), "_test")
		n++
		if pkg != backend && !strings.HasPrefix(pkg, backend+"/") {
			t.Errorf("a backend package depends on %s, outside backend/: add its directory to ci/stageinputs.GoPackages", pkg)
		}
	}
	if n == 0 {
		t.Fatal("go list found no package of this module under ./backend/...")
	}
}
