package kyvernoreport

import (
	"strings"
	"testing"

	"dagger/pipeline/charts"
)

const signaturePolicy = `apiVersion: policies.kyverno.io/v1
kind: ImageValidatingPolicy
metadata:
  name: verify-image-signatures
spec:
  attestors: []
`

const nonRootPolicy = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: require-run-as-non-root
spec: {}
`

func rendering(values, text string) charts.Rendering {
	return charts.Rendering{Run: charts.Run{Chart: "policies", Values: values}, Manifests: text}
}

func TestPreparePoliciesLeavesOutImageSignatures(t *testing.T) {
	p, err := PreparePolicies([]charts.Rendering{rendering("", nonRootPolicy+"---\n"+signaturePolicy), rendering("values-prod.yaml", nonRootPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 1 || len(p.Excluded) != 1 || strings.Contains(string(p.Bundle), "ImageValidatingPolicy") {
		t.Fatalf("%d kept, excluded %v:\n%s", p.Count, p.Excluded, p.Bundle)
	}
	if _, err := PreparePolicies([]charts.Rendering{rendering("", signaturePolicy)}); err == nil {
		t.Fatal("nothing left to apply, yet no error")
	}
	if _, err := PreparePolicies([]charts.Rendering{rendering("", "a: [1\n")}); err == nil || !strings.Contains(err.Error(), "policies (defaults)") {
		t.Fatalf("broken rendering: %v", err)
	}
}

func TestAppliesGateEveryRun(t *testing.T) {
	a := Applies{Policies: Policies{Count: 3, Excluded: []string{"ImageValidatingPolicy/verify-image-signatures"}}}
	a.Add("app (defaults)", []string{"apply", "p.yaml"}, output(t, "apply-pass.txt"), 0)
	if a.Err() != nil {
		t.Fatal(a.Err())
	}
	a.Add("app (prod)", []string{"apply", "p.yaml"}, output(t, "apply-fail.txt"), 1)
	if err := a.Err(); err == nil || !strings.Contains(err.Error(), "app (prod)") {
		t.Fatalf("a failed run: %v", err)
	}
	if !strings.HasPrefix(a.Report(), "Left out (image signatures") || !strings.Contains(a.Report(), "$ kyverno apply p.yaml") {
		t.Fatal(a.Report())
	}
	if !strings.HasPrefix(a.Details(), "3 policies on 2 rendering(s): ") || !strings.HasSuffix(a.Details(), "left out: ImageValidatingPolicy/verify-image-signatures") {
		t.Fatal(a.Details())
	}
}
