package trivyreport

import (
	"fmt"
	"strings"
)

// Severity is Trivy's severity scale, ordered so that a larger value is more severe.
type Severity int

const (
	SeverityUnknown Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

// AllSeverities lists the scale from most to least severe, the order tables use.
var AllSeverities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityUnknown}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "UNKNOWN"
	}
	return severityNames[s]
}

// ParseSeverity maps Trivy's severity strings; anything unrecognised is UNKNOWN, as in Trivy.
func ParseSeverity(s string) Severity {
	for i, name := range severityNames {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return Severity(i)
		}
	}
	return SeverityUnknown
}

// SeveritySet is the set of severities that fail the gate, written like Trivy's --severity flag:
// a comma list such as "HIGH,CRITICAL".
type SeveritySet map[Severity]bool

// ParseSeveritySet parses a comma list of severity names. An empty list or an unknown name is an
// error: a typo must not silently turn the gate off.
func ParseSeveritySet(list string) (SeveritySet, error) {
	set := SeveritySet{}
	for _, part := range strings.Split(list, ",") {
		name := strings.ToUpper(strings.TrimSpace(part))
		if name == "" {
			continue
		}
		found := false
		for i, known := range severityNames {
			if name == known {
				set[Severity(i)] = true
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown severity %q (want a comma list of %s)", part, strings.Join(severityNames[:], ", "))
		}
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("severity list %q names no severity", list)
	}
	return set, nil
}

// String renders the set most severe first, e.g. "CRITICAL,HIGH".
func (s SeveritySet) String() string {
	var names []string
	for _, sev := range AllSeverities {
		if s[sev] {
			names = append(names, sev.String())
		}
	}
	return strings.Join(names, ",")
}

// Counts holds a number of findings per severity.
type Counts map[Severity]int

// CountBySeverity counts findings per severity.
func CountBySeverity(findings []Finding) Counts {
	c := Counts{}
	for _, f := range findings {
		c[f.Severity]++
	}
	return c
}

// String renders non-zero counts most severe first, e.g. "CRITICAL 1, HIGH 3"; "none" when empty.
func (c Counts) String() string {
	var parts []string
	for _, sev := range AllSeverities {
		if c[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", sev, c[sev]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
