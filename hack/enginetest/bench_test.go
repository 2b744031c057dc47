package main

import (
	"strings"
	"testing"
	"time"

	"dagger/pipeline/summary"
)

// The bench reads the stage table the module writes: a summary rendered by the module's own
// code, with a stage over a minute.
func TestStageTimesReadsTheSummaryTable(t *testing.T) {
	md := summary.Summary{Title: "Pull request validation", Stages: []summary.Stage{
		{Name: "lint", Status: summary.Passed, Details: "2 charts | 3 values", Duration: 1500 * time.Millisecond},
		{Name: "test: ci module (Go)", Status: summary.Passed, Duration: 2*time.Minute + 5*time.Second},
		{Name: "scan-fs", Status: summary.Failed, Duration: 12 * time.Second},
	}, Severities: []summary.SeverityRow{{Severity: "HIGH", Found: 0}}, SeverityScope: "trivy fs"}.Markdown()
	got, err := stageTimes(md)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.name+"="+s.took.String())
	}
	if want := "test: ci module (Go)=2m5s scan-fs=12s lint=1.5s"; strings.Join(names, " ") != want {
		t.Fatalf("stageTimes = %q, want %q", strings.Join(names, " "), want)
	}
	if _, err := stageTimes("# no table\n"); err == nil {
		t.Fatal("stageTimes accepted a summary without a stage table")
	}
}
