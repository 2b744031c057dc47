package main

import (
	"context"
	"fmt"

	"dagger/pipeline/parallel"
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
	for _, pattern := range yamlcheck.Patterns {
		matched, err := p.Source.Glob(ctx, pattern)
		if err != nil {
			return stageResult{err: err}
		}
		names = append(names, matched...)
	}
	names = yamlcheck.Unique(names)
	contents, err := parallel.Map(names, yamlReadConcurrency, func(name string) (string, error) {
		data, err := p.Source.File(name).Contents(ctx)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", name, err)
		}
		return data, nil
	})
	if err != nil {
		return stageResult{err: err}
	}
	files := make(map[string][]byte, len(names))
	for i, name := range names {
		files[name] = []byte(contents[i])
	}
	res := yamlcheck.Check(files)
	return stageResult{
		details: res.Details(),
		reports: dag.Directory().WithNewFile("yaml-check.txt", res.Report()),
		err:     res.Err(),
	}
}
