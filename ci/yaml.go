package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"dagger/pipeline/yamlcheck"
)

// Yaml checks that every YAML file of the repository parses, every document of it, with
// duplicate keys as errors. Helm chart templates are skipped (they are not YAML before rendering;
// lint and schemas cover them). It runs in the module itself: no container.
//
// +check
func (p *Pipeline) Yaml(ctx context.Context) error {
	return p.yamlStage(ctx).err
}

// yamlReadConcurrency bounds the file reads in flight against the engine.
const yamlReadConcurrency = 16

func (p *Pipeline) yamlStage(ctx context.Context) stageResult {
	var names []string
	for _, pattern := range []string{"**/*.yaml", "**/*.yml", "**/*.YAML", "**/*.YML"} {
		matched, err := p.Source.Glob(ctx, pattern)
		if err != nil {
			return stageResult{err: err}
		}
		names = append(names, matched...)
	}
	sort.Strings(names)
	names = uniq(names)

	files := make(map[string][]byte, len(names))
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, yamlReadConcurrency)
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			contents, err := p.Source.File(name).Contents(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("read %s: %w", name, err)
			}
			files[name] = []byte(contents)
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return stageResult{err: firstErr}
	}
	res := yamlcheck.Check(files)
	var report strings.Builder
	fmt.Fprintf(&report, "checked %d file(s), skipped %d chart template(s)\n", len(res.Checked), len(res.Skipped))
	for _, prob := range res.Problems {
		fmt.Fprintf(&report, "ERROR %s\n", prob)
	}
	for _, name := range res.Checked {
		fmt.Fprintf(&report, "ok    %s\n", name)
	}
	return stageResult{
		details: fmt.Sprintf("%d file(s) checked, %d problem(s), %d chart template(s) skipped", len(res.Checked), len(res.Problems), len(res.Skipped)),
		reports: dag.Directory().WithNewFile("yaml-check.txt", report.String()),
		err:     res.Err(),
	}
}

func uniq(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
