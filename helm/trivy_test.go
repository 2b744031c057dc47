package helm

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// trivyReport is the part of `trivy config --format json` the test reads.
type trivyReport struct {
	Results []struct {
		Target            string
		Type              string
		MisconfSummary    struct{ Successes, Failures int }
		Misconfigurations []struct {
			ID, Title, Severity, Status, Message string
		}
	}
}

// The repository's accepted findings, read by Trivy itself (and by the pipeline's gate).
const trivyIgnoreFile = "../.trivyignore.yaml"

// trivyConfig scans a directory of manifests with Trivy's embedded misconfiguration checks
// (offline: no check bundle download) at MEDIUM and above, with the repository's accepted
// findings, and returns the report and whether it exited non-zero.
func trivyConfig(t *testing.T, dir string) (trivyReport, bool) {
	t.Helper()
	trivy := tool(t, "trivy")
	out := filepath.Join(t.TempDir(), "report.json")
	ignores, err := filepath.Abs(trivyIgnoreFile)
	if err != nil {
		t.Fatal(err)
	}
	_, runErr := run(t, dir, trivy, "config",
		"--ignorefile", ignores,
		"--cache-dir", t.TempDir(),
		"--skip-check-update",
		"--severity", "MEDIUM,HIGH,CRITICAL",
		"--exit-code", "1",
		"--format", "json",
		"--output", out,
		"--quiet",
		dir)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("trivy wrote no report (%v): %v", runErr, err)
	}
	var rep trivyReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("trivy report: %v\n%s", err, data)
	}
	return rep, runErr != nil
}

func findings(rep trivyReport) []string {
	var out []string
	for _, r := range rep.Results {
		for _, m := range r.Misconfigurations {
			if m.Status == "FAIL" {
				out = append(out, fmt.Sprintf("%s %s %s: %s (%s)", r.Target, m.Severity, m.ID, m.Title, m.Message))
			}
		}
	}
	return out
}

// Each render, named as scan-fs names the first two (the ignore file's paths use those names);
// the external database mode is the chart tests' own.
func TestTrivyFindsNothingMediumOrAbove(t *testing.T) {
	for _, vs := range []struct{ name, file string }{
		{"defaults", "app-test-values.yaml"},
		{"production", "app-values-production.yaml"},
		{"external-database", "app-external-database.yaml"},
	} {
		t.Run(vs.name, func(t *testing.T) {
			dir := t.TempDir()
			rendered := filepath.Join(dir, "rendered-manifests")
			if err := os.Mkdir(rendered, 0o755); err != nil {
				t.Fatal(err)
			}
			values := map[string][]string{"defaults": appDefaultValues, "production": appProductionValues, "external-database": appExternalDatabaseValues}[vs.name]
			writeManifests(t, rendered, vs.file, mustRender(t, appChart, values))
			rep, failed := trivyConfig(t, dir)
			if f := findings(rep); failed || len(f) > 0 {
				t.Errorf("trivy config found MEDIUM+ misconfigurations (exit non-zero: %v):\n%v", failed, f)
			}
			checked := 0
			for _, r := range rep.Results {
				checked += r.MisconfSummary.Successes
			}
			if checked == 0 {
				t.Errorf("trivy evaluated no check: %+v", rep)
			}
		})
	}
}

// The same scan does flag a privileged, root, writable pod: the clean result above means something.
func TestTrivyFlagsAnInsecurePod(t *testing.T) {
	dir := t.TempDir()
	bad := `apiVersion: v1
kind: Pod
metadata: {name: insecure, namespace: taskboard}
spec:
  hostPID: true
  containers:
    - name: c
      image: registry.example.com/app:1.0.0
      securityContext: {privileged: true, readOnlyRootFilesystem: false}
`
	if err := os.WriteFile(filepath.Join(dir, "insecure.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, failed := trivyConfig(t, dir)
	if !failed || len(findings(rep)) == 0 {
		t.Errorf("trivy did not flag an insecure pod (exit non-zero: %v): %+v", failed, rep)
	}
}

// Every accepted misconfiguration says why and until when, and has not expired: Trivy alone would
// take an entry without a statement, and silently drop an expired one.
func TestTrivyIgnoresAreJustifiedAndCurrent(t *testing.T) {
	data, err := os.ReadFile(trivyIgnoreFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Misconfigurations []struct {
			ID        string   `json:"id"`
			Paths     []string `json:"paths"`
			Statement string   `json:"statement"`
			ExpiredAt string   `json:"expired_at"`
		} `json:"misconfigurations"`
	}
	if err := yaml.UnmarshalStrict(data, &doc); err != nil {
		t.Fatalf("%s: %v", trivyIgnoreFile, err)
	}
	for _, r := range doc.Misconfigurations {
		expiry, err := time.Parse("2006-01-02", r.ExpiredAt)
		switch {
		case r.ID == "" || strings.TrimSpace(r.Statement) == "" || len(r.Paths) == 0:
			t.Errorf("%s: %s needs an id, paths and a statement", trivyIgnoreFile, r.ID)
		case err != nil:
			t.Errorf("%s: %s: expired_at %q: %v", trivyIgnoreFile, r.ID, r.ExpiredAt, err)
		case expiry.Before(time.Now()):
			t.Errorf("%s: %s expired on %s: fix the finding or renew the exception", trivyIgnoreFile, r.ID, r.ExpiredAt)
		}
	}
}
