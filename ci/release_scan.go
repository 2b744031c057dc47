package main

import (
	"context"
	"fmt"
	"time"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/trivyreport"
)

// Report file names of an image scan.
const (
	trivyImageJSON = "trivy-image.json"
	trivyImageGate = "trivy-image-gate.md"
)

// ScanImage scans an image's packages for vulnerabilities with Trivy, using the same DB
// download and cache as scan-fs, and gates the result: findings at the given severities fail
// (except those accepted by .trivyignore.yaml / .trivyignore). Returns the JSON report and the
// gate's Markdown verdict; fails with the findings table when the gate fails. The image is
// scanned from its tarball, so nothing needs to be pushed first.
//
// +cache="session"
func (p *Pipeline) ScanImage(
	ctx context.Context,
	// The image to scan, e.g. the output of build, or an address like docker.io/library/nginx:1.28.
	image *dagger.Container,
	// Severities that fail the gate, as a comma list like Trivy's --severity.
	// +default="HIGH,CRITICAL"
	severity string,
	// Let vulnerabilities without a fixed version through (they are still reported).
	// +optional
	ignoreUnfixed bool,
) (*dagger.Directory, error) {
	res, _ := p.scanImageStage(ctx, image, severity, ignoreUnfixed)
	if res.err != nil {
		return nil, res.err
	}
	return res.reports, nil
}

func (p *Pipeline) scanImageStage(ctx context.Context, image *dagger.Container, severity string, ignoreUnfixed bool) (stageResult, trivyreport.Counts) {
	if severity == "" {
		severity = trivyreport.DefaultSeverities
	}
	severities, err := trivyreport.ParseSeveritySet(severity)
	if err != nil {
		return stageResult{err: err}, nil
	}
	ignores, err := p.trivyIgnores(ctx)
	if err != nil {
		return stageResult{err: err}, nil
	}
	const out = "/reports"
	reports := trivyContainer().
		WithDirectory(trivyCachePath, p.trivyDB()).
		WithMountedFile("/image.tar", image.AsTarball()).
		WithDirectory(out, dag.Directory()).
		WithExec([]string{"trivy", "image", "--input", "/image.tar", "--scanners", "vuln",
			"--cache-dir", trivyCachePath, "--skip-db-update", "--skip-java-db-update", "--no-progress",
			"--format", "json", "--output", out + "/" + trivyImageJSON, "--exit-code", "0"}).
		Directory(out)
	raw, err := reports.File(trivyImageJSON).Contents(ctx)
	if err != nil {
		return stageResult{err: fmt.Errorf("trivy image: %w", err)}, nil
	}
	report, err := trivyreport.Parse([]byte(raw))
	if err != nil {
		return stageResult{err: err}, nil
	}
	verdict, err := trivyreport.Evaluate(report, trivyreport.Policy{
		Severities: severities, IgnoreUnfixed: ignoreUnfixed, Ignores: ignores, Now: time.Now(),
	})
	if err != nil {
		return stageResult{err: err}, nil
	}
	gate := trivyreport.RenderMarkdown(verdict)
	counts := trivyreport.CountBySeverity(verdict.All)
	res := stageResult{
		details:    fmt.Sprintf("findings: %s; blocking at %s: %d; accepted: %d", counts, severities, len(verdict.Blocking), len(verdict.Ignored)),
		reports:    reports.WithNewFile(trivyImageGate, gate),
		severities: trivyreport.SeverityRows(verdict),
	}
	if err := verdict.Err(); err != nil {
		res.err = fmt.Errorf("%w\n\n%s", err, gate)
	}
	return res, counts
}
