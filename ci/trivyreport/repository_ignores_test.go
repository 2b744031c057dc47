package trivyreport

import (
	"os"
	"testing"
	"time"
)

// The repository's own .trivyignore.yaml passes the gate's strict reading (statement and expiry on
// every entry), and its one accepted misconfiguration covers the defaults render of the chart as
// scan-fs names it, and not the production one.
func TestRepositoryIgnoreFile(t *testing.T) {
	data, err := os.ReadFile("../../.trivyignore.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseIgnoreYAML(".trivyignore.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	finding := func(target string) Finding {
		return Finding{Kind: KindMisconfiguration, ID: "KSV-0125", Severity: SeverityMedium, Target: target}
	}
	covers := func(f Finding) bool {
		for _, r := range cfg.Rules {
			if r.Matches(f) && !r.Expired(time.Now()) {
				return true
			}
		}
		return false
	}
	if !covers(finding("rendered-manifests/app-test-values.yaml")) {
		t.Errorf("KSV-0125 on the defaults render is not accepted (expired?): %+v", cfg.Rules)
	}
	if covers(finding("rendered-manifests/app-values-production.yaml")) {
		t.Errorf("KSV-0125 must not be accepted on the production render")
	}
}
