// Package summary renders the Markdown summary of a pipeline run: one row per stage with its
// outcome, what it counted and how long it took. `validate` and `release` both use it.
package summary

import (
	"dagger/pipeline/textlines"
	"fmt"
	"strings"
	"time"
)

// Status is the outcome of one stage.
type Status string

const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped" // not run, with a reason in Details
)

// Stage is one row of the summary.
type Stage struct {
	Name     string
	Status   Status
	Details  string // counts or a one-line result, e.g. "24 resources valid, 2 skipped (CRDs)"
	Duration time.Duration
	Err      error // the failure, when Status is Failed
}

// Run times fn and turns its result into a stage: an error fails the stage, and the details fn
// returns are kept either way (a failed gate still says what it counted).
func Run(name string, fn func() (details string, err error)) Stage {
	start := time.Now()
	details, err := fn()
	st := Stage{Name: name, Status: Passed, Details: details, Duration: time.Since(start)}
	if err != nil {
		st.Status, st.Err = Failed, err
	}
	return st
}

// Summary is a titled list of stages.
type Summary struct {
	Title  string
	Stages []Stage
	Notes  []string // free lines printed under the table (skipped checks, where reports went)
	// Severities is the findings table under the stages; SeverityScope says what was scanned.
	Severities    []SeverityRow
	SeverityScope string
	// Reports are linked by where they sit in Artifact, the pipeline artifact that holds them.
	Reports  []Report
	Artifact string
}

// Passed reports whether no stage failed. A summary without stages has not passed: nothing ran.
func (s Summary) Passed() bool {
	return len(s.Stages) > 0 && len(s.FailedStages()) == 0
}

// FailedStages returns the failed stages in table order.
func (s Summary) FailedStages() []Stage {
	var out []Stage
	for _, st := range s.Stages {
		if st.Status == Failed {
			out = append(out, st)
		}
	}
	return out
}

// Markdown renders the summary: a heading with the overall outcome, the table with each stage's
// duration, then the notes, the findings per severity, the links to the reports and the first
// lines of each failure.
func (s Summary) Markdown() string {
	var b strings.Builder
	outcome := "PASSED"
	if !s.Passed() {
		outcome = "FAILED"
	}
	title := s.Title
	if title == "" {
		title = "Pipeline"
	}
	fmt.Fprintf(&b, "## %s: %s\n\n", Cell(title), outcome)
	b.WriteString("| Stage | Result | Details | Duration |\n|---|---|---|---|\n")
	for _, st := range s.Stages {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", Cell(st.Name), icon(st.Status), Cell(st.Details), FormatDuration(st.Duration))
	}
	if len(s.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	s.severityMarkdown(&b)
	s.reportsMarkdown(&b)
	if failed := s.FailedStages(); len(failed) > 0 {
		b.WriteString("\n### Failures\n\n")
		for _, st := range failed {
			msg := "failed"
			if st.Err != nil {
				msg = strings.ReplaceAll(textlines.Head(st.Err.Error(), 20), "```", "'''")
			}
			fmt.Fprintf(&b, "**%s**\n\n```\n%s\n```\n\n", Cell(st.Name), msg)
		}
	}
	return b.String()
}

func icon(s Status) string {
	switch s {
	case Passed:
		return "✅ passed"
	case Failed:
		return "❌ failed"
	case Skipped:
		return "⏭️ skipped"
	}
	return string(s)
}

// FormatDuration renders a duration to a tenth of a second ("12.3s", "2m05.0s").
func FormatDuration(d time.Duration) string {
	d = d.Round(100 * time.Millisecond)
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	m := int(d / time.Minute)
	return fmt.Sprintf("%dm%04.1fs", m, (d - time.Duration(m)*time.Minute).Seconds())
}

// Cell keeps a value inside one Markdown table cell.
func Cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", " ")
}
