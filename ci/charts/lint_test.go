package charts

import (
	"strings"
	"testing"
)

func TestLintReportNamesTheFailedRuns(t *testing.T) {
	var l LintReport
	ok, bad := Run{Chart: "app"}, Run{Chart: "app", Values: "ci/prod-values.yaml"}
	l.Add(ok, ok.LintArgs("1.31.0"), "1 chart(s) linted, 0 chart(s) failed", 0)
	if l.Err() != nil || l.Details() != "1 chart/values combination(s), 0 failed" {
		t.Fatalf("%v / %s", l.Err(), l.Details())
	}
	l.Add(bad, bad.LintArgs("1.31.0"), "[ERROR] values don't meet the specifications of the schema", 1)
	err := l.Err()
	if err == nil || !strings.Contains(err.Error(), "app (ci/prod-values.yaml)") || !strings.Contains(err.Error(), "[ERROR]") {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(l.String(), "$ helm lint --strict --kube-version 1.31.0 app --values app/ci/prod-values.yaml") {
		t.Fatal(l.String())
	}
}
