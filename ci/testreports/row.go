package testreports

import (
	"errors"
	"fmt"

	"dagger/pipeline/junit"
)

// Row is a test stage's line in the summary and its verdict: the counts and the line coverage
// before the runner's own outcome. Reports that are missing or disagree with the run (countsErr)
// fail a stage that otherwise passed: the Tests tab would lie.
func Row(outcome string, stageErr error, counts junit.Counts, countsErr error, coverage string) (string, error) {
	if countsErr != nil {
		return "test reports incomplete; " + outcome, errors.Join(stageErr, fmt.Errorf("test reports: %w", countsErr))
	}
	return fmt.Sprintf("%d tests, %d failed, %d skipped; %s; %s", counts.Tests, counts.Failures, counts.Skipped, coverage, outcome), stageErr
}

// Coverage says how much of the code a Cobertura report covers, or why it cannot tell.
func Coverage(cobertura string, readErr error) string {
	if readErr != nil {
		return "no coverage report"
	}
	rate, err := LineRate([]byte(cobertura))
	if err != nil {
		return "coverage unreadable: " + err.Error()
	}
	return fmt.Sprintf("%.1f%% of lines covered", rate*100)
}
