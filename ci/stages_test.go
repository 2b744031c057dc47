package main

import (
	"strings"
	"testing"
)

func TestChartRunHelmArgsAndRenderingNames(t *testing.T) {
	defaults := chartRun{Chart: "app"}
	prod := chartRun{Chart: "app", Values: "ci/prod-values.yaml"}
	if strings.Join(defaults.helmArgs(), " ") != "app" || defaults.label() != "app (defaults)" {
		t.Fatalf("%v %s", defaults.helmArgs(), defaults.label())
	}
	if strings.Join(prod.helmArgs(), " ") != "app --values app/ci/prod-values.yaml" {
		t.Fatalf("%v", prod.helmArgs())
	}
	if (rendering{Run: defaults}).fileName() != "app.yaml" || (rendering{Run: prod}).fileName() != "app-prod-values.yaml" {
		t.Fatal("rendering file names")
	}
	all := []rendering{{Run: prod}, {Run: chartRun{Chart: "policies"}}, {Run: defaults}}
	if len(renderingsOf(all, "app")) != 2 || renderingsOf(all, "policies")[0].Run.Chart != "policies" {
		t.Fatal("renderingsOf")
	}
}

func TestQuoteAllAndCombined(t *testing.T) {
	if got := strings.Join(quoteAll([]string{"./backend/...", "it's"}), " "); got != `'./backend/...' 'it'\''s'` {
		t.Fatalf("quoteAll = %s", got)
	}
	if r := (execResult{Stdout: "out\n", Stderr: "err"}).Combined(); r != "out\nerr" {
		t.Fatalf("Combined = %q", r)
	}
}

func TestUniq(t *testing.T) {
	if got := strings.Join(uniq([]string{"a", "a", "b", "c", "c"}), ","); got != "a,b,c" {
		t.Fatal(got)
	}
}
