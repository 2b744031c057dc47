package testreports

import (
	"os"
	"strings"
	"testing"

	"dagger/pipeline/junit"
)

// testdata/vitest-deliberate.* are one real run of frontend/scripts/testdata/vitest-junit (a
// pass, a deliberate failure, a skip and a todo) with Vitest's junit and json reporters.
func TestVitestJUnitAgreesWithItsSummary(t *testing.T) {
	summary, err := os.ReadFile("testdata/vitest-deliberate.summary.json")
	if err != nil {
		t.Fatal(err)
	}
	xml, err := os.ReadFile("testdata/vitest-deliberate.junit.xml")
	if err != nil {
		t.Fatal(err)
	}
	run, err := VitestCounts(summary)
	if err != nil {
		t.Fatal(err)
	}
	if run != (junit.Counts{Tests: 4, Failures: 1, Skipped: 2}) {
		t.Fatalf("summary counts %s", run)
	}
	if _, err := Agree(xml, run); err != nil {
		t.Fatal(err)
	}
	// A JUnit file that lost the failure must not pass for the run.
	lost := strings.Replace(string(xml), `<failure message=`, `<system-out message=`, 1)
	lost = strings.Replace(lost, `</failure>`, `</system-out>`, 1)
	if _, err := Agree([]byte(lost), run); err == nil || !strings.Contains(err.Error(), "0 failures") {
		t.Fatalf("a JUnit without the failure agreed with the run: %v", err)
	}
	if _, err := VitestCounts([]byte(`{"numTotalTests":3}`)); err == nil {
		t.Fatal("a summary without the failure count was accepted")
	}
}

func TestGoCountsRejectsNonJSON(t *testing.T) {
	if _, err := GoCounts([]byte("ok  \texample.com/x\t0.1s\n")); err == nil {
		t.Fatal("plain go test output was read as a JSON stream")
	}
}

func TestLineRateRejectsOtherXML(t *testing.T) {
	if _, err := LineRate([]byte(`<testsuites line-rate="1"/>`)); err == nil {
		t.Fatal("a JUnit file passed for Cobertura")
	}
}
