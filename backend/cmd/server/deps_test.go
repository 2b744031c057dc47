package main_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The test helpers live under internal/testsupport so that this holds: the
// server binary links none of them (a throwaway PostgreSQL launcher has no
// business in the image).
func TestServerLinksNoTestSupport(t *testing.T) {
	const testsupport = "github.com/devsecops-reference/taskboard/backend/internal/testsupport"
	out, err := exec.Command(goTool(), "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps gave %d packages, expected the server's whole graph", len(deps))
	}
	for _, dep := range deps {
		if dep == testsupport || strings.HasPrefix(dep, testsupport+"/") {
			t.Errorf("the server links %s", dep)
		}
	}
}
