package vulnpredicate

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"dagger/pipeline/trivyreport"
)

func TestIndexReportHoldsEveryPlatformsFindings(t *testing.T) {
	amd, err := os.ReadFile("../trivyreport/testdata/image-backend.json")
	if err != nil {
		t.Fatal(err)
	}
	// The arm64 image's scan: the same report with one finding fewer.
	var doc map[string]any
	if err := json.Unmarshal(amd, &doc); err != nil {
		t.Fatal(err)
	}
	res := doc["Results"].([]any)[0].(map[string]any)
	res["Vulnerabilities"] = res["Vulnerabilities"].([]any)[1:]
	arm, _ := json.Marshal(doc)

	one, _ := trivyreport.Parse(amd)
	merged, err := IndexReport([]string{"linux/amd64", "linux/arm64"}, [][]byte{amd, arm})
	if err != nil {
		t.Fatal(err)
	}
	r, err := trivyreport.Parse(merged)
	if err != nil {
		t.Fatalf("the index's report is not a Trivy report: %v", err)
	}
	if len(r.Results) != 2*len(one.Results) || r.Trivy.Version != "0.74.0" || r.ArtifactName != "image index: linux/amd64, linux/arm64" {
		t.Fatalf("%d results (want %d), Trivy %q, artifact %q", len(r.Results), 2*len(one.Results), r.Trivy.Version, r.ArtifactName)
	}
	if want := "linux/arm64: " + one.Results[0].Target; r.Results[len(one.Results)].Target != want {
		t.Fatalf("target %q, want %q", r.Results[len(one.Results)].Target, want)
	}
	if got, want := len(r.Results[0].Vulnerabilities)+len(r.Results[len(one.Results)].Vulnerabilities), 2*len(one.Results[0].Vulnerabilities)-1; got != want {
		t.Fatalf("%d findings, want %d", got, want)
	}
	// Each finding keeps every field Trivy wrote (the policy reads Severity and VulnerabilityID).
	if !strings.Contains(string(merged), `"PrimaryURL"`) || !strings.Contains(string(merged), `"Severity"`) {
		t.Fatalf("findings lost fields: %s", merged)
	}
	// It is what the vuln predicate is made of.
	s := realisticScan(t, merged)
	if _, err := Predicate(s); err != nil {
		t.Fatal(err)
	}

	if same, err := IndexReport([]string{"linux/amd64"}, [][]byte{amd}); err != nil || string(same) != string(amd) {
		t.Fatalf("one platform's report changed: %v", err)
	}
	other := strings.Replace(string(arm), `"0.74.0"`, `"0.73.0"`, 1)
	if _, err := IndexReport([]string{"linux/amd64", "linux/arm64"}, [][]byte{amd, []byte(other)}); err == nil || !strings.Contains(err.Error(), "0.73.0") {
		t.Fatalf("reports of two Trivy versions: %v", err)
	}
	if _, err := IndexReport([]string{"linux/amd64"}, [][]byte{amd, arm}); err == nil {
		t.Fatal("more reports than platforms")
	}
}

// realisticScan is a scan of report as the release records it (no Trivy run).
func realisticScan(t *testing.T, report []byte) Scan {
	t.Helper()
	info, err := ParseVersion([]byte(`{"Version":"0.74.0","VulnerabilityDB":{"Version":2,"UpdatedAt":"2026-08-20T06:00:00Z","NextUpdate":"2026-08-21T06:00:00Z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	started := info.VulnerabilityDB.UpdatedAt.Add(time.Hour)
	return Scan{Report: report, Trivy: info, DBRepository: "registry.local/aquasec/trivy-db:2", StartedOn: started, FinishedOn: started.Add(time.Minute)}
}
