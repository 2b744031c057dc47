package main

import (
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/releasereport"
	"dagger/pipeline/toolimages"
)

// Sbom lists an image's packages with Syft, as SPDX JSON (sbom.spdx.json) and CycloneDX JSON
// (sbom.cyclonedx.json). The image is read from its tarball: nothing needs to be pushed.
func (p *Pipeline) Sbom(
	// The image, e.g. the output of build.
	image *dagger.Container,
) *dagger.Directory {
	return sbomDirectory(image)
}

func sbomDirectory(image *dagger.Container) *dagger.Directory {
	const out = "/sbom"
	return dag.Container().From(toolimages.Syft).
		WithMountedFile("/image.tar", image.AsTarball()).
		// Owned by Syft's non-root user in case the image runs as one; root writes there anyway.
		WithDirectory(out, dag.Directory(), dagger.ContainerWithDirectoryOpts{Owner: "65532:65532"}).
		WithExec([]string{"/syft", "scan", "oci-archive:/image.tar", "--quiet",
			"-o", "spdx-json=" + out + "/" + releasereport.SBOMSPDX,
			"-o", "cyclonedx-json=" + out + "/" + releasereport.SBOMCycloneDX}).
		Directory(out)
}
