package main

import (
	"context"
	"fmt"

	"dagger/pipeline/charts"
)

// chartRuns lists every (chart, values file) pair: each values file under helm/<chart>/ci/ that
// follows the chart-testing naming and each environment file beside values.yaml, or the
// defaults when there is none.
func (p *Pipeline) chartRuns(ctx context.Context) ([]charts.Run, error) {
	var runs []charts.Run
	for _, chart := range charts.Names {
		if ok, err := p.Source.Exists(ctx, charts.Dir(chart)+"/Chart.yaml"); err != nil {
			return nil, err
		} else if !ok {
			return nil, fmt.Errorf("chart %s is missing: no %s/Chart.yaml", chart, charts.Dir(chart))
		}
		var matched []string
		for _, glob := range charts.ValuesGlobs(chart) {
			found, err := p.Source.Glob(ctx, glob)
			if err != nil {
				return nil, err
			}
			matched = append(matched, found...)
		}
		for _, values := range charts.ValuesFiles(chart, matched) {
			runs = append(runs, charts.Run{Chart: chart, Values: values})
		}
	}
	return runs, nil
}

// kubeVersion is with-validation's version, or the floor of helm/app/Chart.yaml's kubeVersion.
func (p *Pipeline) kubeVersion(ctx context.Context) (string, error) {
	if p.KubernetesVersion != "" {
		return p.KubernetesVersion, nil
	}
	chartYAML, err := p.Source.File(charts.Dir("app") + "/Chart.yaml").Contents(ctx)
	if err != nil {
		return "", err
	}
	return charts.KubeVersionFloor([]byte(chartYAML))
}
