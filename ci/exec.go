package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/junit"
	"dagger/pipeline/summary"
)

// execResult is what a tool printed and how it exited.
type execResult struct {
	Stdout   string
	Stderr   string
	ExitCode int
}

// Combined is stdout then stderr, the way a terminal would show them.
func (r execResult) Combined() string {
	if r.Stderr == "" {
		return r.Stdout
	}
	return strings.TrimRight(r.Stdout, "\n") + "\n" + r.Stderr
}

// execTool runs args and returns the output whatever the exit code, so that a failing check still
// hands its report to the module: the verdict is then decided here, not by the exit code alone.
// An error means the exec could not run at all (bad image, engine trouble). The container after
// the exec holds the files it wrote.
func execTool(ctx context.Context, c *dagger.Container, args []string, useEntrypoint bool) (*dagger.Container, execResult, error) {
	done, err := c.WithExec(args, dagger.ContainerWithExecOpts{
		Expect:        dagger.ReturnTypeAny,
		UseEntrypoint: useEntrypoint,
	}).Sync(ctx)
	if err != nil {
		return nil, execResult{}, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	var r execResult
	if r.ExitCode, err = done.ExitCode(ctx); err != nil {
		return nil, r, err
	}
	if r.Stdout, err = done.Stdout(ctx); err != nil {
		return nil, r, err
	}
	if r.Stderr, err = done.Stderr(ctx); err != nil {
		return nil, r, err
	}
	return done, r, nil
}

// stageResult is what every stage hands to validate: a one-line result for the summary table,
// the report files it produced, and its verdict.
type stageResult struct {
	details string
	reports *dagger.Directory // files for the exported reports directory; may be nil
	err     error
	// findings are failed JUnit cases beside the stage's own (policy violations, schema errors,
	// blocking Trivy findings), for reports/junit/stages.xml.
	findings []junit.Suite
	// severities is the stage's findings per severity, for the summary's table (scan-fs).
	severities []summary.SeverityRow
	// scanJSON is a Trivy stage's JSON report as the gate read it: the release attests it.
	scanJSON []byte
}
