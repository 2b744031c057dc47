package charts

import (
	"fmt"
	"strings"

	"dagger/pipeline/textlines"
)

// LintArgs is the `helm lint --strict` command of a run.
func (r Run) LintArgs(kubeVersion string) []string {
	return append([]string{"helm", "lint", "--strict", "--kube-version", kubeVersion}, r.HelmArgs()...)
}

// LintReport collects the `helm lint` runs of a stage: their output, and which failed.
type LintReport struct {
	text   strings.Builder
	runs   int
	failed []string
}

// Add records one run's command, output and exit code.
func (l *LintReport) Add(run Run, args []string, output string, exitCode int) {
	l.runs++
	fmt.Fprintf(&l.text, "## %s\n$ %s\n%s\n", run.Label(), strings.Join(args, " "), output)
	if exitCode != 0 {
		l.failed = append(l.failed, run.Label())
	}
}

// String is every run's output, for helm-lint.txt.
func (l *LintReport) String() string { return l.text.String() }

// Details is the stage's row in the summary.
func (l *LintReport) Details() string {
	return fmt.Sprintf("%d chart/values combination(s), %d failed", l.runs, len(l.failed))
}

// Err names the failed runs, with the end of the output.
func (l *LintReport) Err() error {
	if len(l.failed) == 0 {
		return nil
	}
	return fmt.Errorf("helm lint failed for %s:\n%s", strings.Join(l.failed, ", "), textlines.Tail(l.String(), 60))
}
