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
	KindLicense          Kind = "license"
)

// VulnStatusFixed is the one fix status that --ignore-unfixed keeps: Trivy's flag is a shorthand
// for --ignore-status with every status except "fixed" (pkg/flag/vulnerability_flags.go).
const VulnStatusFixed = "fixed"

// Finding is one vulnerability, failed configuration check or secret, flattened so that the gate
// and the table treat the four scanners alike.
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
	File     string // the package's path (vulnerabilities) or license file (licenses), matched by ignore paths
	Title    string
	Location string // "Lnn" or "Lnn-mm" for config and secret findings
	URL      string
}

// HasFix reports whether the finding is fixed in Trivy's --ignore-unfixed sense: for a
// vulnerability, Status "fixed" and nothing else ("affected", "will_not_fix", "fix_deferred",
// "end_of_life", "under_investigation", "unknown" and a missing status are all unfixed, even when
// a FixedVersion is given). Misconfigurations, secrets and licenses are always fixable by the
// repository itself, and Trivy's flag does not touch them either.
func (f Finding) HasFix() bool {
	if f.Kind != KindVulnerability {
		return true
	}
	return f.Status == VulnStatusFixed
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
				Version: v.InstalledVersion, Fixed: v.FixedVersion, Status: v.Status, File: v.PkgPath,
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
		for _, l := range res.Licenses {
			out = append(out, Finding{
				Kind: KindLicense, ID: l.Name, Severity: ParseSeverity(l.Severity),
				Target: res.Target, Package: l.PkgName, File: l.FilePath, Title: l.Category, URL: l.Link,
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
