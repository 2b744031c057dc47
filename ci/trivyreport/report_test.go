package trivyreport

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, name string) *Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return r
}

func TestParseImageReport(t *testing.T) {
	r := load(t, "image-backend.json")
	if r.ArtifactType != "container_image" || r.ArtifactName != "registry.local/taskboard/backend:0.1.0" {
		t.Fatalf("artifact = %q %q", r.ArtifactType, r.ArtifactName)
	}
	f := r.Findings()
	if len(f) != 4 {
		t.Fatalf("findings = %d, want 4: %+v", len(f), f)
	}
	// Most severe first: the unfixed busybox CRITICAL.
	if f[0].ID != "CVE-2025-46394" || f[0].Severity != SeverityCritical || f[0].HasFix() {
		t.Fatalf("first finding = %+v", f[0])
	}
	if f[1].ID != "CVE-2025-9230" || f[1].PURL != "pkg:apk/alpine/libssl3@3.5.1-r0?arch=x86_64&distro=3.22.1" || f[1].Fixed != "3.5.4-r0" {
		t.Fatalf("second finding = %+v", f[1])
	}
	if got := CountBySeverity(f).String(); got != "CRITICAL 1, HIGH 1, MEDIUM 1, LOW 1" {
		t.Fatalf("counts = %q", got)
	}
}

func TestParseFilesystemReportCoversEveryScanner(t *testing.T) {
	r := load(t, "fs-repo.json")
	kinds := map[Kind]int{}
	for _, f := range r.Findings() {
		kinds[f.Kind]++
	}
	want := map[Kind]int{KindVulnerability: 3, KindMisconfiguration: 1, KindSecret: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%s findings = %d, want %d", k, kinds[k], n)
		}
	}
}

func TestParseEmptyResults(t *testing.T) {
	r := load(t, "empty.json")
	if len(r.Findings()) != 0 {
		t.Fatalf("findings of a clean scan: %+v", r.Findings())
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	cases := map[string]string{
		"":                                    "empty",
		"   \n":                               "empty",
		"{not json":                           "not valid JSON",
		`{"SchemaVersion": 1, "Results": []}`: "SchemaVersion 1",
		`{"SchemaVersion": 2}{"SchemaVersion": 2}`:               "trailing data",
		`{"SchemaVersion": 2, "Results": [{"Class": "secret"}]}`: "no Target",
	}
	for in, want := range cases {
		_, err := Parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error = %v, want it to mention %q", in, err, want)
		}
	}
	if _, err := Parse(nil); !errors.Is(err, ErrEmptyReport) {
		t.Errorf("Parse(nil) = %v, want ErrEmptyReport", err)
	}
	for _, name := range []string{"malformed-truncated.json", "not-trivy.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(data); err == nil {
			t.Errorf("Parse(%s) succeeded; a broken report must never pass", name)
		}
	}
}
