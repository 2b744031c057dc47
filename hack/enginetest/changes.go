package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// change is one kind of pull request: a comment added to one file, and the validate stages whose
// inputs (ci/stageinputs) that file is part of. Each application makes a new comment, so a rerun
// is a change the engine has not seen.
type change struct {
	kind, file string
	stages     []string
}

var (
	backendChange  = change{"backend", "backend/internal/httpapi/health.go", []string{"scan-fs", "test: backend (Go)"}}
	frontendChange = change{"frontend", "frontend/src/App.tsx", []string{"scan-fs", "test: frontend (npm)"}}
	docsChange     = change{"docs", "docs/SETUP.md", []string{"scan-fs", "test: docs (dagger calls)"}}
)

func (c change) apply(dir string) error {
	p := filepath.Join(dir, c.file)
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	note := "enginetest: a " + c.kind + " change at " + time.Now().Format(time.RFC3339Nano)
	comment := "\n// " + note + "\n"
	if strings.HasSuffix(c.file, ".md") {
		comment = "\n<!-- " + note + " -->\n"
	}
	if err := writeAndCommit(dir, c.file, string(data)+comment); err != nil {
		return fmt.Errorf("%s change: %w", c.kind, err)
	}
	return nil
}
