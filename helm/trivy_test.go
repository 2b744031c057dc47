package helm

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
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

// trivyConfig scans a directory of manifests with Trivy's embedded misconfiguration checks
// (offline: no check bundle download) and returns the report and whether it exited non-zero.
func trivyConfig(t *testing.T, dir string) (trivyReport, bool) {
	t.Helper()
	trivy := tool(t, "trivy")
	out := filepath.Join(t.TempDir(), "report.json")
	_, runErr := run(t, dir, trivy, "config",
		"--cache-dir", t.TempDir(),
		"--skip-check-update",
		"--severity", "HIGH,CRITICAL",
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

func TestTrivyFindsNothingHighOrCritical(t *testing.T) {
	for _, vs := range valueSets {
		t.Run(vs.name, func(t *testing.T) {
			dir := t.TempDir()
			writeManifests(t, dir, "taskboard.yaml", mustRender(t, appChart, vs.values))
			rep, failed := trivyConfig(t, dir)
			if f := findings(rep); failed || len(f) > 0 {
				t.Errorf("trivy config found HIGH/CRITICAL misconfigurations (exit non-zero: %v):\n%v", failed, f)
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
