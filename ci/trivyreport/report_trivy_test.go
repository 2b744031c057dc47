package trivyreport

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"dagger/pipeline/trivytest"
)

// These run the real Trivy v0.74 now, offline (see package trivytest), and read what it wrote:
// the report shapes of an image vulnerability scan and of a license scan, never a stale copy.

func TestRealImageScan(t *testing.T) {
	bin, cache := trivytest.Binary(t), trivytest.CacheDir(t)
	ref := trivytest.PushGoImage(t, trivytest.Registry(t))
	r, err := Parse(trivytest.ScanImage(t, bin, cache, ref))
	if err != nil {
		t.Fatal(err)
	}
	if r.Trivy.Version != "0.74.0" || r.ArtifactType != "container_image" || r.ReportID == "" ||
		len(r.Metadata.RepoDigests) != 1 || r.Metadata.RepoDigests[0] != ref {
		t.Fatalf("report header: %+v %+v %q", r.Trivy, r.Metadata, r.ReportID)
	}
	got := map[string]string{}
	for _, f := range r.Findings() {
		if f.Kind != KindVulnerability || f.Package != "stdlib" || f.Target != "app/server" || !strings.HasPrefix(f.PURL, "pkg:golang/stdlib@v") {
			t.Errorf("finding %+v", f)
		}
		got[f.ID] = f.Severity.String() + " " + f.Status + " " + f.Fixed
	}
	want := map[string]string{
		trivytest.FixedHigh:       "HIGH fixed 99.0.0",
		trivytest.UnfixedCritical: "CRITICAL affected ",
		trivytest.UnfixedMedium:   "MEDIUM affected ",
	}
	if len(got) != len(want) {
		t.Fatalf("findings %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
}

// The gate's IgnoreUnfixed lets through exactly what Trivy's own --ignore-unfixed drops.
func TestIgnoreUnfixedAgreesWithTrivy(t *testing.T) {
	bin, cache := trivytest.Binary(t), trivytest.CacheDir(t)
	ref := trivytest.PushGoImage(t, trivytest.Registry(t))
	all, err := Parse(trivytest.ScanImage(t, bin, cache, ref))
	if err != nil {
		t.Fatal(err)
	}
	trivyKept, err := Parse(trivytest.ScanImage(t, bin, cache, ref, "--ignore-unfixed"))
	if err != nil {
		t.Fatal(err)
	}
	every := mustSeverities(t, "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL")
	v, err := Evaluate(all, Policy{Severities: every, IgnoreUnfixed: true, Now: gateDay})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sortedIDs(v.Blocking), sortedIDs(trivyKept.Findings()); got != want || got != trivytest.FixedHigh {
		t.Fatalf("gate keeps %s, trivy --ignore-unfixed keeps %s", got, want)
	}
	if got := sortedIDs(v.Unfixed); got != trivytest.UnfixedCritical+","+trivytest.UnfixedMedium {
		t.Fatalf("unfixed = %s", got)
	}
}

// A license scan: a restricted (HIGH) license of an npm dependency is a finding, and an
// exception for it in .trivyignore.yaml accepts it, as Trivy's own ignore file does.
func TestRealLicenseScan(t *testing.T) {
	bin, cache := trivytest.Binary(t), trivytest.CacheDir(t)
	dir := t.TempDir()
	files := map[string]string{
		"package.json":                      `{"name":"app","version":"1.0.0","license":"MIT","dependencies":{"gpl-lib":"1.0.0"}}`,
		"package-lock.json":                 `{"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"app","version":"1.0.0","license":"MIT","dependencies":{"gpl-lib":"1.0.0"}},"node_modules/gpl-lib":{"version":"1.0.0","license":"GPL-3.0-only"}}}`,
		"node_modules/gpl-lib/package.json": `{"name":"gpl-lib","version":"1.0.0","license":"GPL-3.0-only"}`,
	}
	for name, body := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := append([]string{"fs", "--scanners", "license", "--format", "json"}, trivytest.Offline(cache)...)
	r, err := Parse(trivytest.Run(t, bin, dir, append(args, ".")...))
	if err != nil {
		t.Fatal(err)
	}
	f := r.Findings()
	if len(f) != 1 || f[0].Kind != KindLicense || f[0].ID != "GPL-3.0-only" || f[0].Severity != SeverityHigh ||
		f[0].Package != "gpl-lib" || f[0].Title != "restricted" {
		t.Fatalf("findings = %+v", f)
	}
	v, _ := Evaluate(r, Policy{Severities: mustSeverities(t, "HIGH,CRITICAL"), Now: gateDay})
	if ids(v.Blocking) != "GPL-3.0-only" {
		t.Fatalf("blocking = %s", ids(v.Blocking))
	}
	cfg, err := ParseIgnoreYAML(".trivyignore.yaml", []byte("licenses:\n  - id: GPL-3.0-only\n    statement: used only by the build tooling, never shipped\n    expired_at: 2027-01-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	v, _ = Evaluate(r, Policy{Severities: mustSeverities(t, "HIGH,CRITICAL"), Now: gateDay, Ignores: cfg})
	if !v.Passed() || len(v.Ignored) != 1 {
		t.Fatalf("with the exception: blocking %s, ignored %d", ids(v.Blocking), len(v.Ignored))
	}
}

func sortedIDs(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}
