package trivyreport

import (
	"strings"
	"testing"
)

// The *-real.json fixtures are Trivy v0.74.0's own output (testdata/gen/generate.sh).

func TestRealConfigScan(t *testing.T) {
	r := load(t, "config-real.json")
	f := r.Findings()
	if len(f) != 19 {
		t.Fatalf("findings = %d, want 19 failed checks", len(f))
	}
	counts := CountBySeverity(f)
	if counts[SeverityHigh] != 4 || counts[SeverityMedium] != 4 || counts[SeverityLow] != 11 {
		t.Fatalf("counts = %s", counts)
	}
	if f[0].Kind != KindMisconfiguration || f[0].Severity != SeverityHigh || f[0].Target != "backend/Dockerfile" || f[0].ID != "DS-0002" {
		t.Fatalf("first = %+v", f[0])
	}
	v, err := Evaluate(r, Policy{Severities: mustSeverities(t, "HIGH,CRITICAL"), Now: gateDay})
	if err != nil || v.Passed() || len(v.Blocking) != 4 {
		t.Fatalf("blocking = %s (%v)", ids(v.Blocking), err)
	}
}

func TestRealSecretScanAndExceptions(t *testing.T) {
	r := load(t, "fs-secret-misconfig-real.json")
	var secrets []Finding
	for _, f := range r.Findings() {
		if f.Kind == KindSecret {
			secrets = append(secrets, f)
		}
	}
	if len(secrets) != 2 || secrets[0].Target != "deploy/dev.env" || secrets[0].Severity != SeverityCritical || secrets[0].Location != "L2" {
		t.Fatalf("secrets = %+v", secrets)
	}
	cfg, err := ParseIgnoreYAML(".trivyignore.yaml", []byte(`
misconfigurations:
  - id: KSV-0118
    paths: ["k8s/*.yaml"]
    statement: the chart sets the security context; this raw manifest is an example
    expired_at: 2027-01-01
  - id: KSV-0014
    statement: expired on purpose
    expired_at: 2026-01-01
secrets:
  - id: github-pat
    paths: ["deploy/dev.env"]
    statement: revoked test token
    expired_at: 2027-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := Evaluate(r, Policy{Severities: mustSeverities(t, "HIGH,CRITICAL"), Now: gateDay, Ignores: cfg})
	if got := ids(v.Blocking); got != "aws-access-key-id,DS-0002,KSV-0014" {
		t.Fatalf("blocking = %s", got)
	}
	if len(v.Ignored) != 3 || len(v.ExpiredRules) != 1 {
		t.Fatalf("ignored = %d, expired = %d", len(v.Ignored), len(v.ExpiredRules))
	}
	if md := RenderMarkdown(v); !strings.Contains(md, "revoked test token") || !strings.Contains(md, "KSV-0014 expired on 2026-01-01") {
		t.Fatalf("markdown:\n%s", md)
	}
}

func TestRealCleanScan(t *testing.T) {
	r := load(t, "empty-real.json")
	v, err := Evaluate(r, Policy{Severities: mustSeverities(t, "LOW,MEDIUM,HIGH,CRITICAL,UNKNOWN"), Now: gateDay})
	if err != nil || !v.Passed() || len(r.Results) != 0 || r.ArtifactType != "filesystem" {
		t.Fatalf("%v %+v", err, v)
	}
}
