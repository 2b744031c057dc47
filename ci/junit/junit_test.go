package junit

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"dagger/pipeline/kubeconformreport"
	"dagger/pipeline/summary"
	"dagger/pipeline/trivyreport"
)

func TestStagesRoundTrip(t *testing.T) {
	s := summary.Summary{Stages: []summary.Stage{
		{Name: "lint", Status: summary.Passed, Details: "2 combinations", Duration: 1500 * time.Millisecond},
		{Name: "schemas", Status: summary.Failed, Err: errors.New("kubeconform: 1 invalid\nService/frontend: got string\n... log tail"), Duration: time.Second},
		{Name: "git push", Status: summary.Skipped, Details: "--git-push not set"},
	}}
	data, err := Marshal(FromStages("validate", s, Suite{Name: "empty"}))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Count(); got != (Counts{Tests: 3, Failures: 1, Skipped: 1}) {
		t.Fatalf("counts %s\n%s", got, data)
	}
	if len(doc.Suites) != 1 || doc.Tests != 3 || doc.Suites[0].Failures != 1 {
		t.Fatalf("attributes disagree with the cases, or an empty findings suite was kept:\n%s", data)
	}
	failed := doc.Suites[0].Cases[1]
	if failed.Name != "schemas" || failed.Failure.Message != "kubeconform: 1 invalid" || !strings.Contains(failed.Failure.Text, "... log tail") {
		t.Fatalf("failed stage = %+v", failed)
	}
	if doc.Suites[0].Cases[0].Time != "1.500" {
		t.Fatalf("duration = %q", doc.Suites[0].Cases[0].Time)
	}
}

func TestParseSingleSuiteRootAndGarbage(t *testing.T) {
	doc, err := Parse([]byte(`<testsuite name="x"><testcase name="a"/><testcase name="b"><error message="boom"/></testcase></testsuite>`))
	if err != nil || doc.Count() != (Counts{Tests: 2, Errors: 1}) {
		t.Fatalf("%+v %v", doc.Count(), err)
	}
	for _, bad := range []string{"", "<html/>", "<testsuites></testsuites>", "<testsuites><testsuite"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestKyvernoViolationsFromRealOutput(t *testing.T) {
	out, err := os.ReadFile("../kyvernoreport/testdata/apply-validatingpolicy-fail.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := KyvernoViolations("policies", "app (values.yaml)", string(out))
	if len(s.Cases) != 2 {
		t.Fatalf("cases = %+v", s.Cases)
	}
	c := s.Cases[0]
	if c.Name != "require-run-as-non-root on taskboard/Pod/backend" || c.Failure.Message != "Pods must set spec.securityContext.runAsNonRoot to true." ||
		!strings.Contains(c.Failure.Text, "fix: ") {
		t.Fatalf("case = %+v", c)
	}
}

func TestKubeconformErrors(t *testing.T) {
	data, err := os.ReadFile("../kubeconformreport/testdata/invalid-and-missing-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := kubeconformreport.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	s := KubeconformErrors("schemas", r)
	if len(s.Cases) != 2 {
		t.Fatalf("want the invalid Service and the kind without schema, got %+v", s.Cases)
	}
	if c := s.Cases[0]; c.Name != "Service/frontend (invalid.yaml)" || c.Failure.Message != "/spec/ports/0/port: got string, want integer" {
		t.Fatalf("case = %+v", c)
	}
	if c := s.Cases[1]; !strings.Contains(c.Failure.Text, "--skip-kinds") {
		t.Fatalf("missing schema without its hint: %+v", c)
	}
}

func TestTrivyBlockingFromRealScan(t *testing.T) {
	data, err := os.ReadFile("../trivyreport/testdata/fs-secret-misconfig-real.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := trivyreport.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	sev, _ := trivyreport.ParseSeveritySet("HIGH,CRITICAL")
	v, err := trivyreport.Evaluate(r, trivyreport.Policy{Severities: sev, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	s := TrivyBlocking("scan-fs", v)
	if len(s.Cases) != len(v.Blocking) || len(s.Cases) == 0 {
		t.Fatalf("%d cases for %d blocking findings", len(s.Cases), len(v.Blocking))
	}
	var secret *Case
	for i, c := range s.Cases {
		if c.Failure.Type == string(trivyreport.KindSecret) {
			secret = &s.Cases[i]
		}
	}
	if secret == nil || !strings.Contains(secret.Name, "deploy/dev.env:L") ||
		!strings.Contains(secret.Failure.Text, "rotate it") || !strings.HasPrefix(secret.Failure.Message, "CRITICAL: ") {
		t.Fatalf("secret case = %+v", secret)
	}
}
