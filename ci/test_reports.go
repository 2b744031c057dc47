package main

import (
	"context"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/junit"
	"dagger/pipeline/testreports"
)

// goReportsPath is where the Go test stages write their JUnit, Cobertura and go test -json files
// in their containers; validate-reports exports them under reports/ (ci/testreports' layout).
const goReportsPath = "/reports"

// frontendReportsPath is where `npm run test:reports` writes the same for the frontend (its
// vite.config.ts, relative to frontend/).
const frontendReportsPath = "/src/reports"

// goReportTools builds gotestsum and gocover-cobertura as tools/testreports pins them, through
// the configured GOPROXY (its go.sum verifies them: no checksum database needed). Static, so
// that they also run in the Alpine PostgreSQL image of the backend tests; cached like any layer.
func (p *Pipeline) goReportTools() *dagger.Directory {
	return p.goContainer().
		WithDirectory("/tools-src", p.Source.Directory(testreports.ToolsModule)).
		WithWorkdir("/tools-src").
		WithExec([]string{"go", "build", "-trimpath", "-o", "/tools/", testreports.GotestsumPackage, testreports.GocoverCoberturaPackage}).
		Directory("/tools")
}

// runGoTests vets the packages, then runs their tests once under gotestsum in c's working
// directory, and holds the JUnit to go test's own JSON stream of the same run.
func (p *Pipeline) runGoTests(ctx context.Context, c *dagger.Container, what, logName string, g testreports.GoTest) stageResult {
	tools := p.goReportTools()
	c = c.WithFile("/usr/local/bin/gotestsum", tools.File("gotestsum")).
		WithFile("/usr/local/bin/gocover-cobertura", tools.File("gocover-cobertura")).
		WithDirectory(g.Dir, dag.Directory())
	script := g.VetAndTest()
	done, res, err := execTool(ctx, c, []string{"bash", "-euo", "pipefail", "-c", script}, false)
	if err != nil {
		return stageResult{err: err}
	}
	r := scriptResult(what, logName, script, res)
	out := done.Directory(g.Dir)
	r.reports = r.reports.WithDirectory(".", out)
	counts, err := g.Check(reader(ctx, out))
	if g.Cobertura == "" {
		r.details, r.err = testreports.Row(r.details, r.err, counts, err, "coverage not measured")
		return r
	}
	return withTestCounts(ctx, r, out, g.Cobertura, counts, err)
}

// runFrontendTests runs the frontend's script, whose `npm run test:reports` writes Vitest's
// JUnit, its JSON summary and Cobertura, and holds the JUnit to that summary.
func runFrontendTests(ctx context.Context, c *dagger.Container, what, logName, script string) stageResult {
	c = c.WithDirectory(frontendReportsPath, dag.Directory())
	done, res, err := execTool(ctx, c, []string{"bash", "-euo", "pipefail", "-c", script}, false)
	if err != nil {
		return stageResult{err: err}
	}
	r := scriptResult(what, logName, script, res)
	out := done.Directory(frontendReportsPath)
	r.reports = r.reports.WithDirectory(".", out)
	counts, err := testreports.CheckVitest(reader(ctx, out))
	return withTestCounts(ctx, r, out, testreports.CoberturaFrontend, counts, err)
}

// reader reads a test run's reports from the directory it left.
func reader(ctx context.Context, out *dagger.Directory) testreports.Reader {
	return func(path string) ([]byte, error) {
		s, err := out.File(path).Contents(ctx)
		return []byte(s), err
	}
}

// withTestCounts puts the counts and the line coverage in the stage's row (testreports.Row).
func withTestCounts(ctx context.Context, r stageResult, out *dagger.Directory, coberturaPath string, counts junit.Counts, err error) stageResult {
	cobertura, readErr := reader(ctx, out)(coberturaPath)
	r.details, r.err = testreports.Row(r.details, r.err, counts, err, testreports.Coverage(string(cobertura), readErr))
	return r
}
