package trivyreport

import (
	"fmt"
	"time"
)

// DefaultSeverities is the gate's default threshold: HIGH and CRITICAL findings fail.
const DefaultSeverities = "HIGH,CRITICAL"

// Policy decides which findings fail the gate.
type Policy struct {
	Severities    SeveritySet   // severities that fail; required
	IgnoreUnfixed bool          // let vulnerabilities without a fixed version through
	Ignores       *IgnoreConfig // accepted findings; may be nil
	Now           time.Time     // the date ignore rules expire against
}

// IgnoredFinding is a finding an unexpired rule accepted.
type IgnoredFinding struct {
	Finding Finding
	Rule    IgnoreRule
}

// Verdict is the outcome of a policy applied to one report.
type Verdict struct {
	Artifact       string
	Severities     SeveritySet
	All            []Finding        // every finding of the report
	Blocking       []Finding        // findings that fail the gate
	Ignored        []IgnoredFinding // accepted by an unexpired rule
	Unfixed        []Finding        // at a failing severity but without a fix, let through by IgnoreUnfixed
	BelowThreshold int              // findings under the threshold
	ExpiredRules   []IgnoreRule     // rules past expired_at: they no longer apply
}

// Passed reports whether no finding blocks.
func (v Verdict) Passed() bool { return len(v.Blocking) == 0 }

// Err is nil when the gate passes, else an error naming the blocking counts.
func (v Verdict) Err() error {
	if v.Passed() {
		return nil
	}
	return fmt.Errorf("trivy gate failed for %s: %d finding(s) at %s (%s)",
		v.Artifact, len(v.Blocking), v.Severities, CountBySeverity(v.Blocking))
}

// Evaluate applies the policy to the report. Expired rules are reported and not applied.
func Evaluate(r *Report, p Policy) (Verdict, error) {
	if r == nil {
		return Verdict{}, fmt.Errorf("no trivy report to evaluate")
	}
	if len(p.Severities) == 0 {
		return Verdict{}, fmt.Errorf("policy has no failing severities")
	}
	now := p.Now
	if now.IsZero() {
		now = time.Now()
	}
	v := Verdict{Artifact: r.ArtifactName, Severities: p.Severities, All: r.Findings()}
	var live []IgnoreRule
	if p.Ignores != nil {
		for _, rule := range p.Ignores.Rules {
			if rule.Expired(now) {
				v.ExpiredRules = append(v.ExpiredRules, rule)
				continue
			}
			live = append(live, rule)
		}
	}
	for _, f := range v.All {
		if rule, ok := firstMatch(live, f); ok {
			v.Ignored = append(v.Ignored, IgnoredFinding{Finding: f, Rule: rule})
			continue
		}
		if !p.Severities[f.Severity] {
			v.BelowThreshold++
			continue
		}
		if p.IgnoreUnfixed && !f.HasFix() {
			v.Unfixed = append(v.Unfixed, f)
			continue
		}
		v.Blocking = append(v.Blocking, f)
	}
	return v, nil
}

func firstMatch(rules []IgnoreRule, f Finding) (IgnoreRule, bool) {
	for _, r := range rules {
		if r.Matches(f) {
			return r, true
		}
	}
	return IgnoreRule{}, false
}
