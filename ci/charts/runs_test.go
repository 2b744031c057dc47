package charts

import (
	"strings"
	"testing"
)

func TestRunsAndRenderings(t *testing.T) {
	defaults := Run{Chart: "app"}
	prod := Run{Chart: "app", Values: "ci/prod-values.yaml"}
	if strings.Join(defaults.HelmArgs(), " ") != "app" || defaults.Label() != "app (defaults)" {
		t.Fatalf("%v %s", defaults.HelmArgs(), defaults.Label())
	}
	if strings.Join(prod.HelmArgs(), " ") != "app --values app/ci/prod-values.yaml" {
		t.Fatalf("%v", prod.HelmArgs())
	}
	if got := strings.Join(Run{Chart: "policies"}.TemplateArgs("taskboard", "1.31.0"), " "); got != "helm template taskboard-policies policies --namespace taskboard --kube-version 1.31.0" {
		t.Fatal(got)
	}
	if (Rendering{Run: defaults}).FileName() != "app.yaml" || (Rendering{Run: prod}).FileName() != "app-prod-values.yaml" {
		t.Fatal("rendering file names")
	}
	all := []Rendering{{Run: prod, Manifests: "kind: A"}, {Run: Run{Chart: "policies"}}, {Run: defaults, Manifests: "kind: B"}}
	if len(Of(all, "app")) != 2 || Of(all, "policies")[0].Run.Chart != "policies" {
		t.Fatal("Of")
	}
	if b := Bundle(all); !strings.Contains(b, "# Rendered: chart=app values=(defaults)\nkind: B") || !strings.Contains(b, "values=ci/prod-values.yaml") {
		t.Fatal(b)
	}
}
