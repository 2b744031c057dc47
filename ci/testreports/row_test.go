package testreports

import (
	"errors"
	"strings"
	"testing"

	"dagger/pipeline/junit"
)

func TestRowFailsAStageWhoseReportsLie(t *testing.T) {
	counts := junit.Counts{Tests: 12, Failures: 0, Skipped: 1}
	row, err := Row("passed", nil, counts, nil, "80.0% of lines covered")
	if err != nil || row != "12 tests, 0 failed, 1 skipped; 80.0% of lines covered; passed" {
		t.Fatalf("%q %v", row, err)
	}
	row, err = Row("passed", nil, junit.Counts{}, errors.New("JUnit says 11 tests, go test 12"), "")
	if err == nil || !strings.HasPrefix(row, "test reports incomplete; ") || !strings.Contains(err.Error(), "test reports: JUnit says 11") {
		t.Fatalf("%q %v", row, err)
	}
	stage := errors.New("exit 1")
	if _, err := Row("failed", stage, junit.Counts{}, errors.New("no JUnit"), ""); !errors.Is(err, stage) {
		t.Fatalf("the stage's own failure was lost: %v", err)
	}
}

func TestCoverageSaysWhyItCannotTell(t *testing.T) {
	if got := Coverage("", errors.New("no file")); got != "no coverage report" {
		t.Fatal(got)
	}
	if got := Coverage("<coverage", nil); !strings.HasPrefix(got, "coverage unreadable: ") {
		t.Fatal(got)
	}
	if got := Coverage(`<?xml version="1.0"?><coverage line-rate="0.5" lines-valid="10"></coverage>`, nil); got != "50.0% of lines covered" {
		t.Fatal(got)
	}
}
