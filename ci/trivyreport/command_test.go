package trivyreport

import (
	"strings"
	"testing"
)

func TestCommandsScanOfflineAndKeepEveryFinding(t *testing.T) {
	for name, args := range map[string][]string{
		"fs":    FSArgs("/cache", "/reports", ""),
		"image": ImageArgs("/image.tar", "/cache", "/reports/trivy-image.json"),
	} {
		line := strings.Join(args, " ")
		for _, want := range []string{"--skip-db-update", "--cache-dir /cache", "--exit-code 0", "--format json"} {
			if !strings.Contains(line, want) {
				t.Errorf("%s: %q lacks %s", name, line, want)
			}
		}
		if strings.Contains(line, "--severity") {
			t.Errorf("%s: the scan filters severities; the gate must see every finding", name)
		}
	}
	fs := strings.Join(FSArgs("/cache", "/reports", ""), " ")
	if !strings.HasSuffix(fs, " --skip-dirs helm/*/tests .") || !strings.Contains(fs, "--output /reports/"+FSJSON) {
		t.Fatal(fs)
	}
	if withVEX := strings.Join(FSArgs("/cache", "/reports", "/vex/openvex.json"), " "); !strings.HasSuffix(withVEX, " --vex /vex/openvex.json .") {
		t.Fatal(withVEX)
	}
	if got := strings.Join(SARIFArgs("/reports"), " "); got != "trivy convert --format sarif --output /reports/trivy-fs.sarif /reports/trivy-fs.json" {
		t.Fatal(got)
	}
}

func TestDBSnapshotScript(t *testing.T) {
	s := DBSnapshotScript("/root/.cache/trivy", "/snap", true)
	for _, want := range []string{`--db-repository "$TRIVY_DB_REPOSITORIES" --insecure`, `cp -a "/root/.cache/trivy/db" "/snap/db"`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s\nlacks %s", s, want)
		}
	}
	if strings.Contains(DBSnapshotScript("/c", "/s", false), "--insecure") {
		t.Error("insecure without being asked")
	}
}
