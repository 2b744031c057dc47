// Package charts holds the engine-free decisions about the repository's Helm charts: which
// values files each chart is linted and rendered with, and which Kubernetes version to check
// the rendered manifests against.
package charts

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Names of the charts the pipeline checks, under helm/.
var Names = []string{"app", "policies"}

// Dir is the chart's directory relative to the repository root.
func Dir(chart string) string { return path.Join("helm", chart) }

// ValuesGlob matches the chart-testing convention: helm/<chart>/ci/*-values.yaml.
func ValuesGlob(chart string) string { return path.Join(Dir(chart), "ci", "*-values.yaml") }

// ValuesFiles turns the repository paths that ValuesGlob matched into paths relative to the
// chart directory, sorted. With none, the chart is checked once with its defaults, which is
// what the single "" entry means.
func ValuesFiles(chart string, matched []string) []string {
	prefix := Dir(chart) + "/"
	var out []string
	for _, m := range matched {
		m = strings.TrimPrefix(path.Clean(m), "./")
		if rel, ok := strings.CutPrefix(m, prefix); ok && strings.HasSuffix(rel, "-values.yaml") {
			out = append(out, rel)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// Label names a (chart, values file) pair in reports: "app" or "app (ci/prod-values.yaml)".
func Label(chart, values string) string {
	if values == "" {
		return chart + " (defaults)"
	}
	return chart + " (" + values + ")"
}

var kubeVersionLine = regexp.MustCompile(`(?m)^kubeVersion:\s*["']?([^"'\n#]+)["']?`)
var lowerBound = regexp.MustCompile(`>=?\s*v?(\d+)\.(\d+)(?:\.(\d+))?`)

// KubeVersionFloor reads the kubeVersion constraint of a Chart.yaml and returns its lower bound
// as kubeconform wants it ("1.29.0" for ">=1.29.0-0"): the oldest cluster the chart claims to
// support is the one whose API schemas the manifests must satisfy.
func KubeVersionFloor(chartYAML []byte) (string, error) {
	m := kubeVersionLine.FindSubmatch(chartYAML)
	if m == nil {
		return "", fmt.Errorf("Chart.yaml has no kubeVersion: pass the Kubernetes version explicitly")
	}
	constraint := strings.TrimSpace(string(m[1]))
	b := lowerBound.FindStringSubmatch(constraint)
	if b == nil {
		return "", fmt.Errorf("kubeVersion %q has no lower bound (>=X.Y): pass the Kubernetes version explicitly", constraint)
	}
	patch := b[3]
	if patch == "" {
		patch = "0"
	}
	return b[1] + "." + b[2] + "." + patch, nil
}

var dependenciesKey = regexp.MustCompile(`(?m)^dependencies:\s*(#.*)?$`)

// HasDependencies reports whether a Chart.yaml declares subcharts, which `helm dependency build`
// must fetch before lint and template.
func HasDependencies(chartYAML []byte) bool {
	return dependenciesKey.Match(chartYAML)
}
