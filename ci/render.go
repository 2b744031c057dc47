package main

import (
	"context"
	"fmt"

	"dagger/pipeline/charts"
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/parallel"
)

// Namespace the charts are rendered into, as Argo CD deploys them.
const renderNamespace = "taskboard"

// Render runs `helm template` on helm/app and helm/policies with each of their values files and
// returns every rendering in one multi-document file, each headed by a comment naming its chart
// and values file.
func (p *Pipeline) Render(ctx context.Context) (*dagger.File, error) {
	renders, err := p.renderAll(ctx)
	if err != nil {
		return nil, err
	}
	return dag.Directory().WithNewFile("rendered.yaml", charts.Bundle(renders)).File("rendered.yaml"), nil
}

// renderAll renders every chart run concurrently, in chartRuns order.
func (p *Pipeline) renderAll(ctx context.Context) ([]charts.Rendering, error) {
	version, err := p.kubeVersion(ctx)
	if err != nil {
		return nil, err
	}
	runs, err := p.chartRuns(ctx)
	if err != nil {
		return nil, err
	}
	helm, err := p.helmWithDependencies(ctx)
	if err != nil {
		return nil, err
	}
	return parallel.Map(runs, 0, func(run charts.Run) (charts.Rendering, error) {
		manifests, err := helm.WithExec(run.TemplateArgs(renderNamespace, version)).Stdout(ctx)
		if err != nil {
			return charts.Rendering{}, fmt.Errorf("helm template %s: %w", run.Label(), err)
		}
		return charts.Rendering{Run: run, Manifests: manifests}, nil
	})
}
