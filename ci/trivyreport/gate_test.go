package trivyreport

import (
	"strings"
	"testing"
	"time"
)

var gateDay = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func mustSeverities(t *testing.T, s string) SeveritySet {
	t.Helper()
	set, err := ParseSeveritySet(s)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func ids(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return strings.Join(out, ",")
}

func TestGateDefaultThresholdBlocksHighAndCritical(t *testing.T) {
	v, err := Evaluate(load(t, "image-backend.json"), Policy{Severities: mustSeverities(t, DefaultSeverities), Now: gateDay})
	if err != nil {
		t.Fatal(err)
	}
	if v.Passed() || ids(v.Blocking) != "CVE-2025-46394,CVE-2025-9230" || v.BelowThreshold != 2 {
		t.Fatalf("blocking = %s, below = %d", ids(v.Blocking), v.BelowThreshold)
	}
	if err := v.Err(); err == nil || !strings.Contains(err.Error(), "CRITICAL 1, HIGH 1") {
		t.Fatalf("Err() = %v", err)
	}
}

func TestGateIgnoreUnfixedLetsUnfixedThrough(t *testing.T) {
	v, _ := Evaluate(load(t, "image-backend.json"), Policy{Severities: mustSeverities(t, "HIGH,CRITICAL"), IgnoreUnfixed: true, Now: gateDay})
	if ids(v.Blocking) != "CVE-2025-9230" || ids(v.Unfixed) != "CVE-2025-46394" {
		t.Fatalf("blocking = %s, unfixed = %s", ids(v.Blocking), ids(v.Unfixed))
	}
}

func TestGateThresholdCriticalOnly(t *testing.T) {
	v, _ := Evaluate(load(t, "fs-repo.json"), Policy{Severities: mustSeverities(t, "critical"), Now: gateDay})
	if ids(v.Blocking) != "aws-access-key-id" {
		t.Fatalf("blocking = %s", ids(v.Blocking))
	}
}

func TestGateCleanReportPasses(t *testing.T) {
	v, err := Evaluate(load(t, "empty.json"), Policy{Severities: mustSeverities(t, "LOW,MEDIUM,HIGH,CRITICAL,UNKNOWN"), Now: gateDay})
	if err != nil || !v.Passed() || v.Err() != nil {
		t.Fatalf("clean report: %v %+v", err, v)
	}
}

func TestGateIgnoreRulesApplyUntilTheyExpire(t *testing.T) {
	cfg, err := ParseIgnoreYAML(".trivyignore.yaml", []byte(`
vulnerabilities:
  - id: CVE-2025-46394
    statement: busybox tar is not used at run time; fix pending in Alpine
    justification: vulnerable_code_not_in_execute_path
    expired_at: 2026-10-01
  - id: CVE-2025-9230
    purls: ["pkg:apk/alpine/libssl3@3.5.1-r0?arch=x86_64&distro=3.22.1"]
    statement: CMS password decryption is never used
    justification: vulnerable_code_not_in_execute_path
    expired_at: 2026-08-31
`))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := Evaluate(load(t, "image-backend.json"), Policy{Severities: mustSeverities(t, DefaultSeverities), Ignores: cfg, Now: gateDay})
	if ids(v.Blocking) != "CVE-2025-9230" {
		t.Fatalf("blocking = %s: the expired rule must no longer apply", ids(v.Blocking))
	}
	if len(v.Ignored) != 1 || v.Ignored[0].Finding.ID != "CVE-2025-46394" || !strings.Contains(v.Ignored[0].Rule.Statement, "busybox tar") {
		t.Fatalf("ignored = %+v", v.Ignored)
	}
	if len(v.ExpiredRules) != 1 || v.ExpiredRules[0].ID != "CVE-2025-9230" {
		t.Fatalf("expired = %+v", v.ExpiredRules)
	}
	md := RenderMarkdown(v)
	for _, want := range []string{"FAILED", "busybox tar is not used", "2026-10-01", "CVE-2025-9230 expired on 2026-08-31"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// Before the second rule expires, both are accepted and the gate passes.
	v, _ = Evaluate(load(t, "image-backend.json"), Policy{Severities: mustSeverities(t, DefaultSeverities), Ignores: cfg, Now: time.Date(2026, 8, 30, 0, 0, 0, 0, time.UTC)})
	if !v.Passed() || len(v.Ignored) != 2 {
		t.Fatalf("before expiry: blocking = %s ignored = %d", ids(v.Blocking), len(v.Ignored))
	}
}

func TestGateIgnoreRulesAreScopedByKindAndPath(t *testing.T) {
	cfg, err := ParseIgnoreYAML("x.yaml", []byte(`
secrets:
  - id: aws-access-key-id
    paths: ["deploy/**/*.env"]
    statement: documented dummy key used by the local stack
    expired_at: 2027-01-01
misconfigurations:
  - id: DS-0026
    paths: ["frontend/**"]
    statement: wrong path on purpose
    expired_at: 2027-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := Evaluate(load(t, "fs-repo.json"), Policy{Severities: mustSeverities(t, "LOW,MEDIUM,HIGH,CRITICAL"), Ignores: cfg, Now: gateDay})
	if len(v.Ignored) != 1 || v.Ignored[0].Finding.Kind != KindSecret {
		t.Fatalf("ignored = %+v", v.Ignored)
	}
	if !strings.Contains(ids(v.Blocking), "DS-0026") {
		t.Fatalf("DS-0026 under backend/ must still block: %s", ids(v.Blocking))
	}
}

func TestPlainTrivyignoreAppliesToEveryScanner(t *testing.T) {
	cfg, err := ParseIgnoreFile(".trivyignore", []byte("# accepted\nCVE-2025-47911 exp:2026-12-31\naws-access-key-id\n\nDS-0026 exp:2026-01-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := Evaluate(load(t, "fs-repo.json"), Policy{Severities: mustSeverities(t, "LOW,MEDIUM,HIGH,CRITICAL"), Ignores: cfg, Now: gateDay})
	if len(v.Ignored) != 2 || len(v.ExpiredRules) != 1 || v.ExpiredRules[0].Source != ".trivyignore:5" {
		t.Fatalf("ignored = %+v expired = %+v", v.Ignored, v.ExpiredRules)
	}
	if _, err := ParseIgnoreFile(".trivyignore", []byte("CVE-1 exp:31-12-2026\n")); err == nil {
		t.Fatal("a malformed expiry date must be an error")
	}
}

func TestIgnoreYAMLRequiresReasonAndExpiry(t *testing.T) {
	cases := map[string]string{
		"vulnerabilities:\n  - statement: x\n    expired_at: 2027-01-01\n":          "id is required",
		"vulnerabilities:\n  - id: CVE-1\n    expired_at: 2027-01-01\n":             "statement is required",
		"secrets:\n  - id: rule\n    statement: why\n":                              "expired_at is required",
		"vulnerabilities:\n  - id: CVE-1\n    reason: x\n":                          "field reason not found",
		"vulnerabilities:\n  - id: CVE-1\n    statement: x\n    expired_at: soon\n": `parsing time "soon"`,
		"vulnerabilities: [": "yaml",
		"vulnerabilities:\n  - id: CVE-1\n    statement: x\n    expired_at: 2027-01-01\n":                                  `justification ""`,
		"vulnerabilities:\n  - id: CVE-1\n    statement: x\n    justification: trust_me\n    expired_at: 2027-01-01\n":     `justification "trust_me"`,
		"secrets:\n  - id: rule\n    statement: x\n    justification: component_not_present\n    expired_at: 2027-01-01\n": "vulnerabilities only",
	}
	for in, want := range cases {
		_, err := ParseIgnoreYAML("f.yaml", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseIgnoreYAML(%q) = %v, want %q", in, err, want)
		}
	}
	cfg, err := ParseIgnoreYAML("f.yaml", nil)
	if err != nil || len(cfg.Rules) != 0 {
		t.Fatalf("empty file: %v %+v", err, cfg)
	}
}

func TestParseSeveritySet(t *testing.T) {
	s, err := ParseSeveritySet(" high, Critical ")
	if err != nil || s.String() != "CRITICAL,HIGH" {
		t.Fatalf("%v %v", s, err)
	}
	for _, bad := range []string{"", ",", "HIGHEST", "HIGH,SEVERE"} {
		if _, err := ParseSeveritySet(bad); err == nil {
			t.Errorf("ParseSeveritySet(%q) accepted", bad)
		}
	}
}

func TestFindingsTableEscapesCells(t *testing.T) {
	out := FindingsTable([]Finding{{Kind: KindVulnerability, ID: "CVE-1", Severity: SeverityHigh, Target: "a|b", Title: "line\nbreak"}})
	if !strings.Contains(out, `a\|b`) || strings.Contains(out, "line\nbreak") || !strings.Contains(out, "no fix") {
		t.Fatalf("table:\n%s", out)
	}
	if FindingsTable(nil) != "No findings.\n" {
		t.Fatal("empty table")
	}
}

func TestMatchGlob(t *testing.T) {
	cases := []struct {
		pat, name string
		want      bool
	}{
		{"**", "a/b/c", true},
		{"deploy/**/*.env", "deploy/dev.env", true},
		{"deploy/**/*.env", "deploy/x/y/dev.env", true},
		{"deploy/*.env", "deploy/x/dev.env", false},
		{"go.mod", "backend/go.mod", false},
	}
	for _, c := range cases {
		if got := matchGlob(c.pat, c.name); got != c.want {
			t.Errorf("matchGlob(%q, %q) = %v", c.pat, c.name, got)
		}
	}
}
