package trivyreport

import (
	"fmt"
	"strings"
)

// RenderMarkdown renders a verdict for humans: the outcome, counts, blocking findings, accepted
// findings with their reasons, and expired exceptions that now need a fix or a renewal.
func RenderMarkdown(v Verdict) string {
	var b strings.Builder
	outcome := "PASSED"
	if !v.Passed() {
		outcome = "FAILED"
	}
	fmt.Fprintf(&b, "### Trivy gate %s: %s\n\n", outcome, cell(v.Artifact))
	fmt.Fprintf(&b, "Failing severities: %s. All findings: %s. Blocking: %d, accepted: %d, unfixed let through: %d, below threshold: %d.\n\n",
		v.Severities, CountBySeverity(v.All), len(v.Blocking), len(v.Ignored), len(v.Unfixed), v.BelowThreshold)
	if len(v.Blocking) > 0 {
		b.WriteString("#### Blocking findings\n\n")
		b.WriteString(FindingsTable(v.Blocking))
		b.WriteString("\n")
	}
	if len(v.Unfixed) > 0 {
		b.WriteString("#### Let through: no fix available yet\n\n")
		b.WriteString(FindingsTable(v.Unfixed))
		b.WriteString("\n")
	}
	if len(v.Ignored) > 0 {
		b.WriteString("#### Accepted by an exception\n\n| Severity | Kind | ID | Target | Reason | Expires | Rule |\n|---|---|---|---|---|---|---|\n")
		for _, ig := range v.Ignored {
			expires := "never"
			if !ig.Rule.ExpiredAt.IsZero() {
				expires = ig.Rule.ExpiredAt.Format("2006-01-02")
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", ig.Finding.Severity, ig.Finding.Kind,
				cell(ig.Finding.ID), cell(ig.Finding.Target), cell(ig.Rule.Statement), expires, cell(ig.Rule.Source))
		}
		b.WriteString("\n")
	}
	if len(v.ExpiredRules) > 0 {
		b.WriteString("#### Expired exceptions (no longer applied)\n\n")
		for _, r := range v.ExpiredRules {
			fmt.Fprintf(&b, "- %s expired on %s (%s): %s\n", cell(r.ID), r.ExpiredAt.Format("2006-01-02"), cell(r.Source), cell(r.Statement))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// FindingsTable renders findings as a Markdown table, one row per finding.
func FindingsTable(findings []Finding) string {
	if len(findings) == 0 {
		return "No findings.\n"
	}
	var b strings.Builder
	b.WriteString("| Severity | Kind | ID | Target | Package | Installed | Fixed | Where | Title |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range findings {
		fixed := f.Fixed
		if f.Kind == KindVulnerability && fixed == "" {
			fixed = "no fix"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f.Severity, f.Kind, cell(f.ID),
			cell(f.Target), cell(f.Package), cell(f.Version), cell(fixed), cell(f.Location), cell(f.Title))
	}
	return b.String()
}

// cell keeps a value on one table cell: pipes escaped, newlines flattened.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", " ")
}
