package main

import (
	"context"

	"dagger/pipeline/charts"
	"dagger/pipeline/internal/dagger"
)

// Lint runs `helm lint --strict` on helm/app and helm/policies, once per values file:
// helm/<chart>/ci/*-values.yaml and helm/<chart>/values-*.yaml (or once with the chart's
// defaults when there is none).
//
// +check
func (p *Pipeline) Lint(ctx context.Context) error {
	return p.lintStage(ctx).err
}

func (p *Pipeline) lintStage(ctx context.Context) stageResult {
	runs, err := p.chartRuns(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	// The same Kubernetes version as render and schemas, so that kubeVersion constraints and
	// .Capabilities checks see the cluster the manifests are validated for.
	version, err := p.kubeVersion(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	helm, err := p.helmWithDependencies(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	var report charts.LintReport
	for _, run := range runs {
		args := run.LintArgs(version)
		_, res, err := execTool(ctx, helm, args, false)
		if err != nil {
			return stageResult{err: err}
		}
		report.Add(run, args, res.Combined(), res.ExitCode)
	}
	return stageResult{
		details: report.Details(),
		reports: dag.Directory().WithNewFile("helm-lint.txt", report.String()),
		err:     report.Err(),
	}
}

// helmWithDependencies is the Helm container with chart dependencies vendored, for charts that
// declare any (a chart without them needs no network).
func (p *Pipeline) helmWithDependencies(ctx context.Context) (*dagger.Container, error) {
	helm := helmContainer(p.Source)
	for _, chart := range charts.Names {
		chartYAML, err := p.Source.File(charts.Dir(chart) + "/Chart.yaml").Contents(ctx)
		if err != nil {
			return nil, err
		}
		if charts.HasDependencies([]byte(chartYAML)) {
			helm = helm.WithExec([]string{"helm", "dependency", "build", chart})
		}
	}
	return helm, nil
}
