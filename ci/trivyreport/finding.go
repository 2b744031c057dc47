package trivyreport

import (
	"sort"
	"strconv"
)

// Kind says which scanner produced a finding.
type Kind string

const (
	KindVulnerability    Kind = "vulnerability"
	KindMisconfiguration Kind = "misconfiguration"
	KindSecret           Kind = "secret"
)

// Finding is one vulnerability, failed configuration check or secret, flattened so that the gate
// and the table treat the three scanners alike.
type Finding struct {
	Kind     Kind
	ID       string   // CVE/GHSA id, check id (e.g. KSV-0014) or secret rule id
	Aliases  []string // other ids of the same check (the deprecated AVD id), matched by ignores
	Severity Severity
	Target   string // the file or image layer target that Trivy reported
	Package  string // vulnerable package (vulnerabilities only)
	PURL     string // package URL (vulnerabilities only)
	Version  string // installed version (vulnerabilities only)
	Fixed    string // fixed version; empty when no fix exists
	Status   string // Trivy's fix status, e.g. "fixed", "affected", "will_not_fix"
	Title    string
	Location string // "Lnn" or "Lnn-mm" for config and secret findings
	URL      string
}

// HasFix reports whether upgrading would remove the finding. Only vulnerabilities can be
// "unfixed"; a misconfiguration or a secret is always fixable by the repository itself.
func (f Finding) HasFix() bool {
	if f.Kind != KindVulnerability {
		return true
	}
	return f.Fixed != ""
}

// Findings flattens the report, keeping only failed configuration checks. The order is stable:
// most severe first, then target, then id.
func (r *Report) Findings() []Finding {
	var out []Finding
	for _, res := range r.Results {
		for _, v := range res.Vulnerabilities {
			out = append(out, Finding{
				Kind: KindVulnerability, ID: v.VulnerabilityID, Severity: ParseSeverity(v.Severity),
				Target: res.Target, Package: v.PkgName, PURL: v.PkgIdentifier.PURL,
				Version: v.InstalledVersion, Fixed: v.FixedVersion, Status: v.Status,
				Title: v.Title, URL: v.PrimaryURL,
			})
		}
		for _, m := range res.Misconfigurations {
			if m.Status != MisconfStatusFailure {
				continue
			}
			var aliases []string
			if m.AVDID != "" && m.AVDID != m.ID {
				aliases = []string{m.AVDID}
			}
			out = append(out, Finding{
				Kind: KindMisconfiguration, ID: m.ID, Aliases: aliases, Severity: ParseSeverity(m.Severity),
				Target: res.Target, Title: m.Title, URL: m.PrimaryURL,
				Location: lines(m.CauseMetadata.StartLine, m.CauseMetadata.EndLine),
			})
		}
		for _, s := range res.Secrets {
			out = append(out, Finding{
				Kind: KindSecret, ID: s.RuleID, Severity: ParseSeverity(s.Severity),
				Target: res.Target, Title: s.Title, Location: lines(s.StartLine, s.EndLine),
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		return a.ID < b.ID
	})
	return out
}

func lines(start, end int) string {
	switch {
	case start <= 0:
		return ""
	case end <= start:
		return "L" + strconv.Itoa(start)
	default:
		return "L" + strconv.Itoa(start) + "-" + strconv.Itoa(end)
	}
}
