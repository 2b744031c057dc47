package kubeconformreport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures are real kubeconform v0.8.0 output: see testdata/gen/generate.sh.
func load(t *testing.T, name string) *Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestValidReportListsSkippedResources(t *testing.T) {
	r := load(t, "valid-with-skip.json")
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Skipped(), ","); got != "Application/taskboard (valid.yaml)" {
		t.Fatalf("skipped = %q", got)
	}
	if r.Details() != "1 valid, 0 invalid, 0 errors, 1 skipped" {
		t.Fatal(r.Details())
	}
}

func TestInvalidResourceAndMissingSchemaFail(t *testing.T) {
	err := load(t, "invalid-and-missing-schema.json").Err()
	if err == nil {
		t.Fatal("an invalid resource and a missing schema must fail")
	}
	for _, want := range []string{"/spec/ports/0/port: got string, want integer", "could not find schema for ValidatingPolicy", "1 invalid, 1 errors"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "empty",
		"{":                 "not valid JSON",
		`{"resources": []}`: "no summary",
	} {
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
	r, err := Parse([]byte(`{"resources": [], "summary": {"valid": 0, "invalid": 0, "errors": 0, "skipped": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "validated no resource") {
		t.Fatalf("nothing validated must fail: %v", err)
	}
}
