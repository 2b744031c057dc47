package main

import (
	"context"

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

func (p *Pipeline) yamlStage(ctx context.Context) stageResult {
	var names []string
	for _, pattern := range yamlcheck.Patterns {
		matched, err := p.Source.Glob(ctx, pattern)
		if err != nil {
			return stageResult{err: err}
		}
		names = append(names, matched...)
	}
	files, err := p.readSource(ctx, yamlcheck.Unique(names))
	if err != nil {
		return stageResult{err: err}
	}
	res := yamlcheck.Check(files)
	return stageResult{
		details: res.Details(),
		reports: dag.Directory().WithNewFile("yaml-check.txt", res.Report()),
		err:     res.Err(),
	}
}
