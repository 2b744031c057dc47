package main

import (
	"context"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/releasereport"
	"dagger/pipeline/trivyreport"
)

// ScanImage scans an image's packages for vulnerabilities with Trivy, using the same DB
// download and cache as scan-fs, and gates the result with with-scan-policy (except findings
// accepted by .trivyignore.yaml / .trivyignore). Returns the JSON report and the gate's Markdown
// verdict; fails with the findings table when the gate fails. The image is scanned from its
// tarball, so nothing needs to be pushed first.
//
// +cache="session"
func (p *Pipeline) ScanImage(
	ctx context.Context,
	// The image to scan, e.g. the output of build, or an address like docker.io/library/nginx:1.30.
	image *dagger.Container,
) (*dagger.Directory, error) {
	res, _ := p.scanImageStage(ctx, image)
	if res.err != nil {
		return nil, res.err
	}
	return res.reports, nil
}

func (p *Pipeline) scanImageStage(ctx context.Context, image *dagger.Container) (stageResult, trivyreport.Counts) {
	const out = "/reports"
	reports := trivyContainer().
		WithDirectory(trivyCachePath, p.trivyCache()).
		WithMountedFile("/image.tar", image.AsTarball()).
		WithDirectory(out, dag.Directory()).
		WithExec(trivyreport.ImageArgs("/image.tar", trivyCachePath, out+"/"+releasereport.TrivyImageJSON)).
		Directory(out)
	return p.trivyGate(ctx, "scan-image", reports, releasereport.TrivyImageJSON, releasereport.TrivyImageGate)
}
