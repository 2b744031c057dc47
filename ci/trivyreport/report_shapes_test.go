package trivyreport

import (
	"strings"
	"testing"
)

// Shapes the offline Trivy cannot produce here (they need Red Hat's advisories and a Trivy
// module): testdata/image-custom-statuses.json, written by hand after Trivy v0.74's types.

// A module's result (Class "custom", empty Target, as the spring4shell module writes it) parses
// and yields no finding; an empty Target anywhere else is still a broken report.
func TestCustomResultsParse(t *testing.T) {
	r := load(t, "image-custom-statuses.json")
	custom := r.Results[2]
	if custom.Class != ClassCustom || custom.Target != "" || len(custom.CustomResources) != 2 ||
		custom.CustomResources[0].Type != "example/java-major-version" || string(custom.CustomResources[0].Data) != `"17.0.13"` {
		t.Fatalf("custom result = %+v", custom)
	}
	for _, f := range r.Findings() {
		if f.Target == "" {
			t.Errorf("a custom resource became a finding: %+v", f)
		}
	}
	if _, err := Parse([]byte(`{"SchemaVersion": 2, "Results": [{"Target": "", "Class": "lang-pkgs"}]}`)); err == nil ||
		!strings.Contains(err.Error(), "no Target") {
		t.Fatalf("empty lang-pkgs target: %v", err)
	}
}

// "Unfixed" is Trivy's --ignore-unfixed: every status but "fixed", whatever FixedVersion says.
func TestUnfixedMeansTrivysStatus(t *testing.T) {
	r := load(t, "image-custom-statuses.json")
	v, err := Evaluate(r, Policy{Severities: mustSeverities(t, "HIGH,CRITICAL"), IgnoreUnfixed: true, Now: gateDay})
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedIDs(v.Blocking); got != "CVE-2026-1001,CVE-2026-1008" {
		t.Errorf("blocking = %s, want only the two with Status fixed", got)
	}
	if got := sortedIDs(v.Unfixed); got != "CVE-2026-1002,CVE-2026-1003,CVE-2026-1004,CVE-2026-1005,CVE-2026-1006,CVE-2026-1007" {
		t.Errorf("unfixed = %s", got)
	}
	// Without the flag, all of them block.
	v, _ = Evaluate(r, Policy{Severities: mustSeverities(t, "HIGH,CRITICAL"), Now: gateDay})
	if len(v.Blocking) != 8 {
		t.Errorf("blocking without IgnoreUnfixed = %s", ids(v.Blocking))
	}
}

// Findings Trivy set aside itself are read, and are not findings.
func TestModifiedFindingsAreNotFindings(t *testing.T) {
	r := load(t, "image-custom-statuses.json")
	m := r.Results[1].ModifiedFindings
	if len(m) != 1 || m[0].Status != "not_affected" || m[0].Source != "taskboard.openvex.json" {
		t.Fatalf("modified findings = %+v", m)
	}
	if strings.Contains(ids(r.Findings()), "CVE-2026-1009") {
		t.Fatal("a VEX-suppressed finding was counted")
	}
}

// A vulnerability rule's paths also match the package's path inside the image, as in Trivy.
func TestIgnorePathsMatchThePackagePath(t *testing.T) {
	cfg, err := ParseIgnoreYAML(".trivyignore.yaml", []byte(`
vulnerabilities:
  - id: CVE-2026-1008
    paths: ["usr/local/app/lib/*.jar"]
    statement: the servlet module is not loaded
    justification: vulnerable_code_not_in_execute_path
    expired_at: 2027-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := Evaluate(load(t, "image-custom-statuses.json"), Policy{Severities: mustSeverities(t, "CRITICAL"), Now: gateDay, Ignores: cfg})
	if len(v.Ignored) != 1 || v.Ignored[0].Finding.ID != "CVE-2026-1008" {
		t.Fatalf("ignored = %+v", v.Ignored)
	}
}
