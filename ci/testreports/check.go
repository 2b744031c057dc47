package testreports

import (
	"fmt"

	"dagger/pipeline/junit"
)

// Reader reads a file of a test run's reports directory, by its path in it.
type Reader func(path string) ([]byte, error)

// Check holds the run's JUnit file to its go test -json stream: both must be there and agree.
func (g GoTest) Check(read Reader) (junit.Counts, error) {
	stream, err := read(g.JSON)
	if err != nil {
		return junit.Counts{}, fmt.Errorf("no go test -json stream %s (go vet or the build failed first?)", g.JSON)
	}
	run, err := GoCounts(stream)
	if err != nil {
		return junit.Counts{}, err
	}
	return agreeWith(read, g.JUnit, run)
}

// CheckVitest holds the frontend's JUnit file to Vitest's own JSON summary.
func CheckVitest(read Reader) (junit.Counts, error) {
	summary, err := read(VitestSummary)
	if err != nil {
		return junit.Counts{}, fmt.Errorf("no Vitest summary %s (npm ci failed, or test:reports did not run)", VitestSummary)
	}
	run, err := VitestCounts(summary)
	if err != nil {
		return junit.Counts{}, err
	}
	return agreeWith(read, JUnitFrontend, run)
}

func agreeWith(read Reader, junitPath string, run junit.Counts) (junit.Counts, error) {
	xml, err := read(junitPath)
	if err != nil {
		return junit.Counts{}, fmt.Errorf("no JUnit file %s although the tests ran (%s)", junitPath, run)
	}
	return Agree(xml, run)
}
