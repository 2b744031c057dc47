package charts

import (
	"fmt"
	"strings"
)

// Run is one chart checked with one values file ("" for the chart's defaults).
type Run struct {
	Chart  string
	Values string
}

// Label names the run in reports: "app (defaults)", "app (ci/prod-values.yaml)".
func (r Run) Label() string { return Label(r.Chart, r.Values) }

// HelmArgs are the chart path and values flag relative to the helm/ directory.
func (r Run) HelmArgs() []string {
	args := []string{r.Chart}
	if r.Values != "" {
		args = append(args, "--values", r.Chart+"/"+r.Values)
	}
	return args
}

// Release is the Helm release name Argo CD deploys the chart as.
func (r Run) Release() string {
	if r.Chart == "app" {
		return "taskboard"
	}
	return "taskboard-" + r.Chart
}

// TemplateArgs is the `helm template` command of the run.
func (r Run) TemplateArgs(namespace, kubeVersion string) []string {
	args := append([]string{"helm", "template", r.Release()}, r.HelmArgs()...)
	return append(args, "--namespace", namespace, "--kube-version", kubeVersion)
}

// Rendering is the `helm template` output of one run.
type Rendering struct {
	Run       Run
	Manifests string
}

// FileName names the rendering in reports and tool mounts: "app.yaml", "app-prod-values.yaml".
func (r Rendering) FileName() string {
	name := r.Run.Chart
	if r.Run.Values != "" {
		base := r.Run.Values[strings.LastIndex(r.Run.Values, "/")+1:]
		name += "-" + strings.TrimSuffix(base, ".yaml")
	}
	return name + ".yaml"
}

// Of keeps the renderings of one chart.
func Of(all []Rendering, chart string) []Rendering {
	var out []Rendering
	for _, r := range all {
		if r.Run.Chart == chart {
			out = append(out, r)
		}
	}
	return out
}

// Bundle is every rendering in one multi-document file, each headed by a comment naming its
// chart and values file.
func Bundle(all []Rendering) string {
	var b strings.Builder
	for _, r := range all {
		values := r.Run.Values
		if values == "" {
			values = "(defaults)"
		}
		fmt.Fprintf(&b, "# Rendered: chart=%s values=%s\n%s\n", r.Run.Chart, values, r.Manifests)
	}
	return b.String()
}
