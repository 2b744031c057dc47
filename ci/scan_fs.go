package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/junit"
	"dagger/pipeline/trivyreport"
)

// Report file names inside the scan-fs reports directory.
const (
	trivyJSONReport  = "trivy-fs.json"
	trivySARIFReport = "trivy-fs.sarif"
	trivyGateReport  = "trivy-fs-gate.md"
)

// renderedDir is where the chart renderings appear in the scanned tree (and in Trivy's targets).
const renderedDir = "rendered-manifests"

// trivySkipDirs are test inputs that violate policies on purpose: Go test fixtures (testdata/)
// and Kyverno CLI test resources (helm/<chart>/tests/). They are never deployed.
var trivySkipDirs = []string{"**/testdata", "**/node_modules", "helm/*/tests"}

// ScanFs scans the repository with Trivy (vulnerabilities in lock files, secrets,
// misconfigurations in Dockerfiles, charts and manifests) and gates the result: findings at
// the given severities fail, except those accepted by .trivyignore.yaml (Trivy's format; every
// entry needs a statement and an expired_at date) or .trivyignore at the repository root.
// Expired exceptions no longer apply. Returns a directory with the JSON report, a SARIF file and
// the gate's Markdown verdict; fails with the findings table when the gate fails.
//
// +cache="session"
func (p *Pipeline) ScanFs(
	ctx context.Context,
	// Severities that fail the gate, as a comma list like Trivy's --severity.
	// +default="HIGH,CRITICAL"
	severity string,
	// Let vulnerabilities without a fixed version through (they are still reported).
	// +optional
	ignoreUnfixed bool,
) (*dagger.Directory, error) {
	res := p.scanFsStage(ctx, severity, ignoreUnfixed)
	if res.err != nil {
		return nil, res.err
	}
	return res.reports, nil
}

func (p *Pipeline) scanFsStage(ctx context.Context, severity string, ignoreUnfixed bool) stageResult {
	if severity == "" {
		severity = trivyreport.DefaultSeverities
	}
	severities, err := trivyreport.ParseSeveritySet(severity)
	if err != nil {
		return stageResult{err: err}
	}
	ignores, err := p.trivyIgnores(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	// Trivy's Helm scanner skips charts whose defaults do not render (a required password), so
	// the rendered manifests are added to the scanned tree: their misconfigurations are the ones
	// that reach a cluster. A rendering failure is reported by lint and schemas; the scan goes on.
	tree := p.Source
	renderNote := ""
	if renders, err := p.renderAll(ctx, ""); err != nil {
		renderNote = "; charts not rendered (see lint/schemas)"
	} else {
		for _, r := range renders {
			tree = tree.WithNewFile(renderedDir+"/"+r.fileName(), r.Manifests)
		}
	}
	const out = "/reports"
	args := []string{"trivy", "fs", "--scanners", "vuln,secret,misconfig",
		"--cache-dir", trivyCachePath, "--skip-db-update", "--skip-java-db-update", "--no-progress",
		"--format", "json", "--output", out + "/" + trivyJSONReport, "--exit-code", "0"}
	for _, dir := range trivySkipDirs {
		args = append(args, "--skip-dirs", dir)
	}
	scanned := trivyContainer().
		WithDirectory(trivyCachePath, p.trivyDB()).
		WithMountedDirectory("/src", tree).
		WithWorkdir("/src").
		WithDirectory(out, dag.Directory()).
		// The JSON keeps every finding at every severity: the gate below decides, and the report
		// shows what was accepted and why.
		WithExec(append(args, ".")).
		WithExec([]string{"trivy", "convert", "--format", "sarif",
			"--output", out + "/" + trivySARIFReport, out + "/" + trivyJSONReport})
	reports := scanned.Directory(out)
	raw, err := reports.File(trivyJSONReport).Contents(ctx)
	if err != nil {
		return stageResult{err: fmt.Errorf("trivy fs: %w", err)}
	}
	report, err := trivyreport.Parse([]byte(raw))
	if err != nil {
		return stageResult{err: err}
	}
	verdict, err := trivyreport.Evaluate(report, trivyreport.Policy{
		Severities: severities, IgnoreUnfixed: ignoreUnfixed, Ignores: ignores, Now: time.Now(),
	})
	if err != nil {
		return stageResult{err: err}
	}
	gate := trivyreport.RenderMarkdown(verdict)
	result := stageResult{
		details: fmt.Sprintf("findings: %s; blocking at %s: %d; accepted: %d%s",
			trivyreport.CountBySeverity(verdict.All), severities, len(verdict.Blocking), len(verdict.Ignored), renderNote),
		reports:    reports.WithNewFile(trivyGateReport, gate),
		findings:   []junit.Suite{junit.TrivyBlocking("scan-fs", verdict)},
		severities: trivyreport.SeverityRows(verdict),
	}
	if len(verdict.ExpiredRules) > 0 {
		result.details += fmt.Sprintf("; %d expired exception(s)", len(verdict.ExpiredRules))
	}
	if err := verdict.Err(); err != nil {
		result.err = fmt.Errorf("%w\n\n%s", err, gate)
	}
	return result
}

// trivyIgnores reads .trivyignore.yaml and .trivyignore from the repository root, if present.
func (p *Pipeline) trivyIgnores(ctx context.Context) (*trivyreport.IgnoreConfig, error) {
	var configs []*trivyreport.IgnoreConfig
	for _, name := range []string{".trivyignore.yaml", ".trivyignore.yml", ".trivyignore"} {
		ok, err := p.Source.Exists(ctx, name)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		data, err := p.Source.File(name).Contents(ctx)
		if err != nil {
			return nil, err
		}
		var cfg *trivyreport.IgnoreConfig
		if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
			cfg, err = trivyreport.ParseIgnoreYAML(name, []byte(data))
		} else {
			cfg, err = trivyreport.ParseIgnoreFile(name, []byte(data))
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("bad Trivy ignore file"), err)
		}
		configs = append(configs, cfg)
	}
	return trivyreport.Merge(configs...), nil
}
