package main

import (
	"context"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/trivyreport"
)

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
			tree = tree.WithNewFile(trivyreport.RenderedDir+"/"+r.FileName(), r.Manifests)
		}
	}
	// Trivy applies the same accepted exceptions as the gate, as an OpenVEX document.
	vexDoc, err := p.repositoryVEX(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	const out, vexPath = "/reports", "/vex/openvex.json"
	reports := trivyContainer().
		WithNewFile(vexPath, vexDoc).
		WithDirectory(trivyCachePath, p.trivyCache()).
		WithMountedDirectory("/src", tree).
		WithWorkdir("/src").
		WithDirectory(out, dag.Directory()).
		WithExec(trivyreport.FSArgs(trivyCachePath, out, vexPath)).
		WithExec(trivyreport.SARIFArgs(out)).
		Directory(out)
	res, _ := p.trivyGate(ctx, "scan-fs", reports, trivyreport.FSJSON, trivyreport.FSGate)
	res.details += renderNote
	return res
}
