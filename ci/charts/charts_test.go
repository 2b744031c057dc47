package charts

import (
	"strings"
	"testing"
)

func TestValuesFiles(t *testing.T) {
	got := ValuesFiles("app", []string{"helm/app/ci/prod-values.yaml", "helm/app/ci/dev-values.yaml", "helm/policies/ci/x-values.yaml"})
	if strings.Join(got, ",") != "ci/dev-values.yaml,ci/prod-values.yaml" {
		t.Fatalf("got %v", got)
	}
	if got := ValuesFiles("policies", nil); len(got) != 1 || got[0] != "" {
		t.Fatalf("no values files must mean defaults, got %q", got)
	}
	if ValuesGlob("app") != "helm/app/ci/*-values.yaml" {
		t.Fatal(ValuesGlob("app"))
	}
	if Label("app", "") != "app (defaults)" || Label("app", "ci/a-values.yaml") != "app (ci/a-values.yaml)" {
		t.Fatal("labels")
	}
}

func TestKubeVersionFloor(t *testing.T) {
	cases := map[string]string{
		"apiVersion: v2\nkubeVersion: \">=1.29.0-0\"\n": "1.29.0",
		"kubeVersion: '>= 1.30'\n":                      "1.30.0",
		"kubeVersion: >=v1.31.2 <1.35.0\n":              "1.31.2",
	}
	for in, want := range cases {
		got, err := KubeVersionFloor([]byte(in))
		if err != nil || got != want {
			t.Errorf("KubeVersionFloor(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"apiVersion: v2\n", "kubeVersion: \"<1.30\"\n"} {
		if _, err := KubeVersionFloor([]byte(bad)); err == nil {
			t.Errorf("KubeVersionFloor(%q) succeeded", bad)
		}
	}
}

func TestHasDependencies(t *testing.T) {
	if !HasDependencies([]byte("name: app\ndependencies:\n  - name: postgresql\n")) {
		t.Fatal("dependencies not seen")
	}
	for _, none := range []string{"name: app\n", "name: app\ndependencies: []\n", "# dependencies:\n"} {
		if HasDependencies([]byte(none)) {
			t.Errorf("HasDependencies(%q) = true", none)
		}
	}
}
