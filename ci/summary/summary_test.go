package summary

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestMarkdownOneRowPerStage(t *testing.T) {
	s := Summary{Title: "Validate", Stages: []Stage{
		{Name: "lint", Status: Passed, Details: "2 charts, 3 values files", Duration: 1500 * time.Millisecond},
		{Name: "scan-fs", Status: Failed, Details: "CRITICAL 1 | HIGH 2", Duration: 2*time.Minute + 5*time.Second, Err: errors.New("trivy gate failed\nsecond line")},
		{Name: "policies", Status: Skipped, Details: "verify-image-signatures: release verifies signatures"},
	}, Notes: []string{"reports exported to reports/"}}
	md := s.Markdown()
	for _, want := range []string{
		"## Validate: FAILED",
		"| lint | ✅ passed | 2 charts, 3 values files | 1.5s |",
		`| scan-fs | ❌ failed | CRITICAL 1 \| HIGH 2 | 2m05.0s |`,
		"| policies | ⏭️ skipped |",
		"- reports exported to reports/",
		"**scan-fs**\n\n```\ntrivy gate failed\nsecond line\n```",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Count(md, "\n| ") != 4 { // header + 3 rows
		t.Errorf("want a header and 3 rows:\n%s", md)
	}
}

func TestAFailedStageFailsTheSummary(t *testing.T) {
	cause := errors.New("boom")
	s := Summary{Stages: []Stage{{Name: "a", Status: Passed}, {Name: "b", Status: Failed, Err: cause}}}
	if failed := s.FailedStages(); len(failed) != 1 || failed[0].Name != "b" {
		t.Fatalf("FailedStages() = %v", failed)
	}
	if s.Passed() {
		t.Fatal("a failed stage must fail the summary")
	}
	ok := Summary{Stages: []Stage{{Name: "a", Status: Passed}, {Name: "s", Status: Skipped}}}
	if !ok.Passed() || len(ok.FailedStages()) != 0 || !strings.Contains(ok.Markdown(), ": PASSED") {
		t.Fatalf("passing summary: %v", ok.FailedStages())
	}
	if (Summary{}).Passed() {
		t.Fatal("an empty summary must not pass")
	}
}

func TestRunKeepsDetailsOnFailure(t *testing.T) {
	st := Run("x", func() (string, error) { return "3 found", errors.New("gate") })
	if st.Status != Failed || st.Details != "3 found" || st.Err == nil || st.Name != "x" {
		t.Fatalf("%+v", st)
	}
	if st := Run("y", func() (string, error) { return "fine", nil }); st.Status != Passed {
		t.Fatalf("%+v", st)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0.0s", 449 * time.Millisecond: "0.4s", 61 * time.Second: "1m01.0s"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestMarkdownCountsSeveritiesAndLinksReports(t *testing.T) {
	s := Summary{Title: "Validate", Stages: []Stage{{Name: "scan-fs", Status: Passed, Duration: 3 * time.Second}},
		Severities:    []SeverityRow{{"CRITICAL", 1, 0, 1}, {"HIGH", 2, 2, 0}, {"LOW", 7, 0, 0}},
		SeverityScope: "trivy fs, gate HIGH,CRITICAL",
		Artifact:      "validation-reports",
		Reports:       []Report{{"JUnit: validation stages", "reports/junit/stages.xml"}},
	}
	md := s.Markdown()
	for _, want := range []string{
		"| scan-fs | ✅ passed |  | 3.0s |",
		"### Findings by severity (trivy fs, gate HIGH,CRITICAL)\n\n| Severity | Found | Blocking | Accepted |\n|---|---|---|---|\n| CRITICAL | 1 | 0 | 1 |\n| HIGH | 2 | 2 | 0 |\n| LOW | 7 | 0 | 0 |\n",
		"In the pipeline artifact `validation-reports`:\n\n- JUnit: validation stages: [`reports/junit/stages.xml`](reports/junit/stages.xml)\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if md2 := (Summary{Stages: s.Stages}).Markdown(); strings.Contains(md2, "### Findings") || strings.Contains(md2, "### Reports") {
		t.Errorf("empty sections rendered:\n%s", md2)
	}
}

func TestAddSeveritiesSumsBySeverity(t *testing.T) {
	got := AddSeverities(nil, []SeverityRow{{"HIGH", 1, 1, 0}, {"LOW", 2, 0, 0}})
	got = AddSeverities(got, []SeverityRow{{"HIGH", 2, 0, 1}, {"MEDIUM", 3, 0, 0}})
	want := []SeverityRow{{"HIGH", 3, 1, 1}, {"LOW", 2, 0, 0}, {"MEDIUM", 3, 0, 0}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}
