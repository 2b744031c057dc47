package trivyreport

import "dagger/pipeline/summary"

// SeverityRows is the verdict as the summary's findings table: per severity, most severe first,
// what was found, what blocks and what an exception accepted. Severities without any finding
// are kept, so the table always shows the whole scale.
func SeverityRows(v Verdict) []summary.SeverityRow {
	found, blocking := CountBySeverity(v.All), CountBySeverity(v.Blocking)
	accepted := Counts{}
	for _, i := range v.Ignored {
		accepted[i.Finding.Severity]++
	}
	rows := make([]summary.SeverityRow, 0, len(AllSeverities))
	for _, sev := range AllSeverities {
		rows = append(rows, summary.SeverityRow{Severity: sev.String(), Found: found[sev], Blocking: blocking[sev], Accepted: accepted[sev]})
	}
	return rows
}
