package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"dagger/pipeline/testreports"
)

// concurrentValidates is two pull requests on one shared engine at the same time: two trees,
// each with a test of its own (tree B's fails), validated by two concurrent CLI sessions. Each
// must see only its own files, reports and verdict, while both use the same cache volumes.
func concurrentValidates(e *env) error {
	trees := []struct {
		name, test, body, status, other string
	}{
		{"a", "TestOnlyInTreeA", "", "passed", "TestOnlyInTreeB"},
		{"b", "TestOnlyInTreeB", `t.Fatal("tree B fails on purpose")`, "failed", "TestOnlyInTreeA"},
	}
	dirs := make([]string, len(trees))
	for i, tr := range trees {
		dir, err := e.copyOf("concurrent-" + tr.name)
		if err != nil {
			return err
		}
		src := fmt.Sprintf("package buildinfo\n\nimport \"testing\"\n\nfunc %s(t *testing.T) { %s }\n", tr.test, tr.body)
		if err := writeAndCommit(dir, "backend/internal/buildinfo/concurrent_"+tr.name+"_test.go", src); err != nil {
			return err
		}
		dirs[i] = dir
	}
	calls := make([]call, len(trees))
	var wg sync.WaitGroup
	for i := range trees {
		wg.Add(1)
		go func() {
			defer wg.Done()
			calls[i] = e.call(dirs[i], nil, "validate-reports", "export", "--path", filepath.Join(e.work, "concurrent-reports-"+trees[i].name))
		}()
	}
	wg.Wait()
	for i, tr := range trees {
		if calls[i].err != nil {
			return fmt.Errorf("tree %s: %w", tr.name, calls[i].err)
		}
		out := filepath.Join(e.work, "concurrent-reports-"+tr.name)
		status, err := os.ReadFile(filepath.Join(out, "status"))
		if err != nil {
			return err
		}
		if got := strings.TrimSpace(string(status)); got != tr.status {
			summary, _ := os.ReadFile(filepath.Join(out, "summary.md"))
			return fmt.Errorf("tree %s: status %q, want %q:\n%s", tr.name, got, tr.status, summary)
		}
		junitXML, err := os.ReadFile(filepath.Join(out, "reports", testreports.JUnitGoBackend))
		if err != nil {
			return err
		}
		if !strings.Contains(string(junitXML), `name="`+tr.test+`"`) {
			return fmt.Errorf("tree %s: its backend JUnit has no case %s", tr.name, tr.test)
		}
		if strings.Contains(string(junitXML), tr.other) {
			return fmt.Errorf("tree %s: its backend JUnit names the other tree's %s", tr.name, tr.other)
		}
		if tr.body != "" {
			if err := failedCase(junitXML, tr.test, "tree B fails on purpose"); err != nil {
				return fmt.Errorf("tree %s: %w", tr.name, err)
			}
		}
	}
	e.timing("two validates at once", max(calls[0].took, calls[1].took))
	return nil
}
