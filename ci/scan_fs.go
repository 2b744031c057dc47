package main

import (
	"context"

	"dagger/pipeline/internal/dagger"
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
// misconfigurations in Dockerfiles, charts and manifests) and gates the result with
// with-scan-policy: findings at its severities fail, except those accepted by .trivyignore.yaml
// (Trivy's format; every entry needs a statement and an expired_at date) or .trivyignore at the
// repository root. Expired exceptions no longer apply. Returns a directory with the JSON report,
// a SARIF file and the gate's Markdown verdict; fails with the findings table when the gate
// fails.
//
// +cache="session"
func (p *Pipeline) ScanFs(ctx context.Context) (*dagger.Directory, error) {
	res := p.scanFsStage(ctx)
	if res.err != nil {
		return nil, res.err
	}
	return res.reports, nil
}

func (p *Pipeline) scanFsStage(ctx context.Context) stageResult {
	// Trivy's Helm scanner skips charts whose defaults do not render (a required password), so
	// the rendered manifests are added to the scanned tree: their misconfigurations are the ones
	// that reach a cluster. A rendering failure is reported by lint and schemas; the scan goes on.
	tree := p.Source
	renderNote := ""
	if renders, err := p.renderAll(ctx); err != nil {
		renderNote = "; charts not rendered (see lint/schemas)"
	} else {
		for _, r := range renders {
			tree = tree.WithNewFile(renderedDir+"/"+r.FileName(), r.Manifests)
		}
	}
	const out = "/reports"
	args := []string{"trivy", "fs", "--scanners", "vuln,secret,misconfig",
		"--cache-dir", trivyCachePath, "--skip-db-update", "--skip-java-db-update", "--no-progress",
		"--format", "json", "--output", out + "/" + trivyJSONReport, "--exit-code", "0"}
	for _, dir := range trivySkipDirs {
		args = append(args, "--skip-dirs", dir)
	}
	reports := trivyContainer().
		WithDirectory(trivyCachePath, p.trivyDB()).
		WithMountedDirectory("/src", tree).
		WithWorkdir("/src").
		WithDirectory(out, dag.Directory()).
		// The JSON keeps every finding at every severity: the gate decides, and the report
		// shows what was accepted and why.
		WithExec(append(args, ".")).
		WithExec([]string{"trivy", "convert", "--format", "sarif",
			"--output", out + "/" + trivySARIFReport, out + "/" + trivyJSONReport}).
		Directory(out)
	res, _ := p.trivyGate(ctx, "scan-fs", reports, trivyJSONReport, trivyGateReport)
	res.details += renderNote
	return res
}
