package summary

import (
	"fmt"
	"strings"
)

// SeverityRow counts the findings of one severity: all of them, those that fail the gate, and
// those an exception accepted.
type SeverityRow struct {
	Severity                  string
	Found, Blocking, Accepted int
}

// Report is one file of the exported artifact, named for a reader.
type Report struct {
	Name string // e.g. "JUnit: validation stages"
	Path string // relative to the artifact's root, e.g. "reports/junit/stages.xml"
}

// severityMarkdown is the findings table, most severe first, as the rows come.
func (s Summary) severityMarkdown(b *strings.Builder) {
	if len(s.Severities) == 0 {
		return
	}
	fmt.Fprintf(b, "\n### Findings by severity (%s)\n\n| Severity | Found | Blocking | Accepted |\n|---|---|---|---|\n", Cell(s.SeverityScope))
	for _, r := range s.Severities {
		fmt.Fprintf(b, "| %s | %d | %d | %d |\n", Cell(r.Severity), r.Found, r.Blocking, r.Accepted)
	}
}

// reportsMarkdown links each report where it sits in the artifact; the links also work in the
// exported directory itself.
func (s Summary) reportsMarkdown(b *strings.Builder) {
	if len(s.Reports) == 0 {
		return
	}
	b.WriteString("\n### Reports\n\n")
	if s.Artifact != "" {
		fmt.Fprintf(b, "In the pipeline artifact `%s`:\n\n", s.Artifact)
	}
	for _, r := range s.Reports {
		fmt.Fprintf(b, "- %s: [`%s`](%s)\n", r.Name, r.Path, r.Path)
	}
}

// AddSeverities sums rows by severity, keeping the order in which severities first appear: the
// release adds up the scans of all its images.
func AddSeverities(total, rows []SeverityRow) []SeverityRow {
	for _, r := range rows {
		i := 0
		for i < len(total) && total[i].Severity != r.Severity {
			i++
		}
		if i == len(total) {
			total = append(total, SeverityRow{Severity: r.Severity})
		}
		total[i].Found += r.Found
		total[i].Blocking += r.Blocking
		total[i].Accepted += r.Accepted
	}
	return total
}
