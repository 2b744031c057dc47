package trivyreport

import (
	"os"
	"strings"
	"testing"
)

func TestCheckGatesAReportAndExplainsAFailure(t *testing.T) {
	raw, err := os.ReadFile("testdata/image-backend.json")
	if err != nil {
		t.Fatal(err)
	}
	strict, err := Check(raw, Policy{Severities: mustSeverities(t, "LOW,MEDIUM,HIGH,CRITICAL"), Now: gateDay})
	if err != nil {
		t.Fatal(err)
	}
	if strict.Verdict.Passed() || strict.Err() == nil {
		t.Fatal("every severity blocks, yet the gate passed")
	}
	// The error carries the findings table, so a failed call shows what to fix.
	if !strings.Contains(strict.Err().Error(), strict.Markdown) || !strings.HasPrefix(strict.Details, "findings: ") {
		t.Fatalf("error %q / details %q", strict.Err(), strict.Details)
	}
	if _, err := Check([]byte(`{"not":"trivy"`), Policy{Severities: mustSeverities(t, DefaultSeverities)}); err == nil {
		t.Fatal("a truncated report was gated")
	}
}

func TestParseIgnoreFilesReadsBothFormats(t *testing.T) {
	cfg, err := ParseIgnoreFiles(map[string][]byte{
		".trivyignore.yaml": []byte("vulnerabilities:\n  - id: CVE-2099-0001\n    statement: not reachable\n    justification: vulnerable_code_not_in_execute_path\n    expired_at: 2099-01-01\n"),
		".trivyignore":      []byte("CVE-2099-0002\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cfg.Rules); n != 2 {
		t.Fatalf("%d rules, want one from each file: %+v", n, cfg.Rules)
	}
	if _, err := ParseIgnoreFiles(map[string][]byte{".trivyignore.yaml": []byte("vulnerabilities: [")}); err == nil || !strings.Contains(err.Error(), "bad Trivy ignore file") {
		t.Fatalf("malformed YAML: %v", err)
	}
}
