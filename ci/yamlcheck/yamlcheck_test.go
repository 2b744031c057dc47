package yamlcheck

import (
	"strings"
	"testing"
)

func TestCheckFindsDuplicateKeysAndSyntaxErrors(t *testing.T) {
	files := map[string][]byte{
		"argocd-application.yaml":      []byte("apiVersion: argoproj.io/v1alpha1\nkind: Application\n---\nkind: AppProject\n"),
		"docker-compose.yml":           []byte("services:\n  db:\n    image: postgres\n  db:\n    image: other\n"),
		"helm/app/values.yaml":         []byte("replicas: 2\nimage:\n  tag: a\n  tag: b\n"),
		"helm/app/Chart.yaml":          []byte("apiVersion: v2\nname: app\nversion: 0.1.0\n"),
		"helm/app/templates/dep.yaml":  []byte("{{- if .Values.x }}\nkind: Deployment\n{{- end }}\n"),
		"helm/app/ci/prod-values.yaml": []byte("a: [1, 2\n"),
		"docs/notes/templates/x.yaml":  []byte("not: [valid\n"), // not a chart: checked
		"multi.yaml":                   []byte("a: 1\n---\nb: 1\nb: 2\n"),
		"README.md":                    []byte("a: 1\na: 2\n"),
	}
	res := Check(files)
	if strings.Join(res.Skipped, ",") != "helm/app/templates/dep.yaml" {
		t.Fatalf("skipped = %v", res.Skipped)
	}
	if len(res.Checked) != 7 {
		t.Fatalf("checked = %v", res.Checked)
	}
	bad := map[string]string{}
	for _, p := range res.Problems {
		bad[p.File] = p.Message
	}
	want := map[string]string{
		"docker-compose.yml":           `mapping key "db" already defined at line 2`,
		"helm/app/values.yaml":         `mapping key "tag" already defined at line 3`,
		"helm/app/ci/prod-values.yaml": "document 1",
		"docs/notes/templates/x.yaml":  "did not find expected",
		"multi.yaml":                   `document 2: yaml: unmarshal errors:`,
	}
	for f, msg := range want {
		if !strings.Contains(bad[f], msg) {
			t.Errorf("%s: problem = %q, want it to contain %q", f, bad[f], msg)
		}
	}
	if len(bad) != len(want) {
		t.Errorf("problems = %v", res.Problems)
	}
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), "5 YAML file(s)") {
		t.Fatalf("Err() = %v", err)
	}
}

func TestCheckPassesCleanFiles(t *testing.T) {
	res := Check(map[string][]byte{
		"a.yaml":  []byte("# only a comment\n"),
		"b.yml":   []byte(""),
		"c.yaml":  []byte("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n"),
		"d.YAML":  []byte("- 1\n- 2\n"),
		"go.mod":  []byte("module x\n"),
		"e/f.yml": []byte("---\na: 1\n---\n---\nb: 2\n"),
	})
	if err := res.Err(); err != nil || len(res.Checked) != 5 {
		t.Fatalf("err = %v, checked = %v", err, res.Checked)
	}
}

func TestReportAndUnique(t *testing.T) {
	res := Check(map[string][]byte{"a.yaml": []byte("a: 1\n"), "b.yaml": []byte("a: 1\na: 2\n")})
	report := res.Report()
	if !strings.Contains(report, "ERROR b.yaml") || !strings.Contains(report, "ok    a.yaml") || res.Details() != "2 file(s) checked, 1 problem(s), 0 chart template(s) skipped" {
		t.Fatalf("%s\n%s", report, res.Details())
	}
	if got := strings.Join(Unique([]string{"c", "a", "b", "a", "c"}), ","); got != "a,b,c" {
		t.Fatal(got)
	}
}
