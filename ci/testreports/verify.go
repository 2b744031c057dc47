package testreports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"

	"dagger/pipeline/junit"
)

// GoCounts counts the tests and subtests of a `go test -json` stream as go test reported them:
// every test that ended, by outcome.
func GoCounts(stream []byte) (junit.Counts, error) {
	var c junit.Counts
	sc := bufio.NewScanner(bytes.NewReader(stream))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var ev struct{ Action, Test string }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return c, fmt.Errorf("go test -json: line %q: %w", sc.Text(), err)
		}
		if ev.Test == "" {
			continue
		}
		switch ev.Action {
		case "pass":
			c.Tests++
		case "fail":
			c.Tests++
			c.Failures++
		case "skip":
			c.Tests++
			c.Skipped++
		}
	}
	return c, sc.Err()
}

// VitestCounts reads Vitest's JSON reporter summary; todo tests are skipped cases in its JUnit.
func VitestCounts(summary []byte) (junit.Counts, error) {
	var s struct {
		NumTotalTests, NumFailedTests, NumPendingTests, NumTodoTests *int
	}
	if err := json.Unmarshal(summary, &s); err != nil {
		return junit.Counts{}, fmt.Errorf("vitest summary: %w", err)
	}
	if s.NumTotalTests == nil || s.NumFailedTests == nil || s.NumPendingTests == nil || s.NumTodoTests == nil {
		return junit.Counts{}, fmt.Errorf("vitest summary lacks numTotalTests/numFailedTests/numPendingTests/numTodoTests: not Vitest's JSON reporter")
	}
	return junit.Counts{Tests: *s.NumTotalTests, Failures: *s.NumFailedTests, Skipped: *s.NumPendingTests + *s.NumTodoTests}, nil
}

// Agree parses a JUnit file and checks it holds exactly what the test runner itself counted, so
// that the Tests tab never shows fewer failures than the run had.
func Agree(junitXML []byte, runner junit.Counts) (junit.Counts, error) {
	doc, err := junit.Parse(junitXML)
	if err != nil {
		return junit.Counts{}, err
	}
	got := doc.Count()
	if got != runner {
		return got, fmt.Errorf("the JUnit file holds %s but the test run reported %s", got, runner)
	}
	return got, nil
}

// LineRate is the share of lines a Cobertura file says the tests covered, 0 to 1.
func LineRate(cobertura []byte) (float64, error) {
	var c struct {
		XMLName    xml.Name
		LineRate   float64 `xml:"line-rate,attr"`
		LinesValid *int    `xml:"lines-valid,attr"`
	}
	if err := xml.Unmarshal(cobertura, &c); err != nil {
		return 0, fmt.Errorf("cobertura: %w", err)
	}
	if c.XMLName.Local != "coverage" || c.LinesValid == nil {
		return 0, fmt.Errorf("cobertura: root <%s> without lines-valid is not a Cobertura report", c.XMLName.Local)
	}
	return c.LineRate, nil
}
