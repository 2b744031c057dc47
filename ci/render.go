package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"dagger/pipeline/internal/dagger"
)

// Namespace the charts are rendered into, as Argo CD deploys them.
const renderNamespace = "taskboard"

// rendering is the `helm template` output of one chart with one values file.
type rendering struct {
	Run       chartRun
	Manifests string
}

// fileName names the rendering in reports and tool mounts: "app.yaml", "app-prod-values.yaml".
func (r rendering) fileName() string {
	name := r.Run.Chart
	if r.Run.Values != "" {
		base := r.Run.Values[strings.LastIndex(r.Run.Values, "/")+1:]
		name += "-" + strings.TrimSuffix(base, ".yaml")
	}
	return name + ".yaml"
}

// Render runs `helm template` on helm/app and helm/policies with each of their values files and
// returns every rendering in one multi-document file, each headed by a comment naming its chart
// and values file.
func (p *Pipeline) Render(ctx context.Context) (*dagger.File, error) {
	renders, err := p.renderAll(ctx)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, r := range renders {
		fmt.Fprintf(&b, "# Rendered: chart=%s values=%s\n%s\n", r.Run.Chart, valuesOrDefaults(r.Run.Values), r.Manifests)
	}
	return dag.Directory().WithNewFile("rendered.yaml", b.String()).File("rendered.yaml"), nil
}

func valuesOrDefaults(v string) string {
	if v == "" {
		return "(defaults)"
	}
	return v
}

// renderAll renders every chart run concurrently, in chartRuns order.
func (p *Pipeline) renderAll(ctx context.Context) ([]rendering, error) {
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
	out := make([]rendering, len(runs))
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i, run := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release := "taskboard"
			if run.Chart != "app" {
				release = "taskboard-" + run.Chart
			}
			args := append([]string{"helm", "template", release}, run.helmArgs()...)
			args = append(args, "--namespace", renderNamespace, "--kube-version", version)
			manifests, err := helm.WithExec(args).Stdout(ctx)
			if err != nil {
				errs[i] = fmt.Errorf("helm template %s: %w", run.label(), err)
				return
			}
			out[i] = rendering{Run: run, Manifests: manifests}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// renderingsOf keeps the renderings of one chart.
func renderingsOf(all []rendering, chart string) []rendering {
	var out []rendering
	for _, r := range all {
		if r.Run.Chart == chart {
			out = append(out, r)
		}
	}
	return out
}
