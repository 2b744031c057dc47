package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/stageinputs"
)

// inputs is the part of the repository a stage reads (stageinputs): mounting only it keeps the
// stage's cached result when anything else changes.
func (p *Pipeline) inputs(s stageinputs.Set) *dagger.Directory {
	if len(s.Include) == 0 {
		return p.Source
	}
	return p.Source.Filter(dagger.DirectoryFilterOpts{Include: s.Include})
}

// StageInputs prints, for each validate stage that runs in a container, the digest of the
// repository files it reads, one "digest  stage" line each. A stage whose digest is the same as
// in an earlier run on the same engine is answered from the cache: compare two trees to see why
// a change reran a suite.
func (p *Pipeline) StageInputs(ctx context.Context) (string, error) {
	backend, err := stageinputs.GoPackages(p.GoPackages)
	if err != nil {
		return "", err
	}
	rows := []struct {
		stage string
		set   stageinputs.Set
	}{
		{"lint, policies, schemas", stageinputs.Charts},
		{"scan-fs", stageinputs.Whole},
		{"test: backend (Go)", backend},
		{"test: ci module (Go)", stageinputs.Module},
		{"test: docs (dagger calls)", stageinputs.DocCalls},
		{"test: frontend (npm)", stageinputs.Frontend},
	}
	var b strings.Builder
	for _, r := range rows {
		digest, err := p.inputs(r.set).Digest(ctx)
		if err != nil {
			return "", fmt.Errorf("%s: %w", r.stage, err)
		}
		fmt.Fprintf(&b, "%s  %s\n", digest, r.stage)
	}
	return b.String(), nil
}
