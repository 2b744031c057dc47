package main

import (
	"cmp"
	"context"
	"time"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/provenance"
	"dagger/pipeline/releaseplan"
)

// defaultPlatform is what a release builds when no platform is given.
const defaultPlatform dagger.Platform = "linux/amd64"

// Build builds one component's image from its own Dockerfile, the one docker-compose uses
// (backend: backend/Dockerfile with the repository root as context; frontend:
// frontend/Dockerfile with frontend/ as context). The version, commit and build time go in as
// build arguments (VERSION, GIT_COMMIT, BUILD_TIME) and as OCI annotations.
func (p *Pipeline) Build(
	// The component to build: backend or frontend.
	component string,
	// The git commit the image is built from (7 to 40 hex characters); "local" unless given.
	// +optional
	gitSha string,
	// The version recorded in the image. Defaults to the git SHA.
	// +optional
	version string,
	// The build time recorded in the image (RFC 3339). Defaults to now.
	// +optional
	buildTime string,
	// The platform to build for; linux/amd64 unless given.
	// +optional
	platform dagger.Platform,
) (*dagger.Container, error) {
	c, err := releaseplan.FindComponent(component)
	if err != nil {
		return nil, err
	}
	gitSha = cmp.Or(gitSha, provenance.LocalCommit)
	if err := releaseplan.CheckGitSHA(gitSha); err != nil {
		return nil, err
	}
	meta, err := releaseplan.NewMeta(gitSha, version, buildTime, time.Now())
	if err != nil {
		return nil, err
	}
	return p.buildImage(c, platform, meta), nil
}

// buildImage builds one component for one platform. Besides the build metadata, the Dockerfiles
// take the download sources as build arguments (GOPROXY, NPM_REGISTRY), so that an image builds
// behind the same mirrors as the tests.
func (p *Pipeline) buildImage(c releaseplan.Component, platform dagger.Platform, meta releaseplan.Meta) *dagger.Container {
	if platform == "" {
		platform = defaultPlatform
	}
	buildContext := p.Source
	if c.Context != "." {
		buildContext = p.Source.Directory(c.Context)
	}
	var args []dagger.BuildArg
	for _, kv := range releaseplan.BuildArgs(meta.Version, meta.GitSHA, meta.BuildTime) {
		args = append(args, dagger.BuildArg{Name: kv[0], Value: kv[1]})
	}
	args = append(args,
		dagger.BuildArg{Name: "GOPROXY", Value: p.GoProxy},
		dagger.BuildArg{Name: "NPM_REGISTRY", Value: p.NpmRegistry})
	image := buildContext.DockerBuild(dagger.DirectoryDockerBuildOpts{
		Dockerfile: c.Dockerfile,
		Platform:   platform,
		BuildArgs:  args,
	})
	for _, kv := range releaseplan.Annotations(c.Name, meta.Version, meta.GitSHA, meta.BuildTime) {
		image = image.WithAnnotation(kv[0], kv[1])
	}
	return image
}

// buildVariants builds a component for every platform, in order.
func (p *Pipeline) buildVariants(ctx context.Context, c releaseplan.Component, platforms []dagger.Platform, meta releaseplan.Meta) ([]*dagger.Container, error) {
	variants := make([]*dagger.Container, 0, len(platforms))
	for _, pl := range platforms {
		image, err := p.buildImage(c, pl, meta).Sync(ctx)
		if err != nil {
			return nil, err
		}
		variants = append(variants, image)
	}
	return variants, nil
}
