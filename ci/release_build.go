package main

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/provenance"
	"dagger/pipeline/releaseplan"
)

// Build builds one component's image from its own Dockerfile, the one docker-compose uses
// (backend: backend/Dockerfile with the repository root as context; frontend:
// frontend/Dockerfile with frontend/ as context). The version, commit and build time go in as
// build arguments (VERSION, GIT_COMMIT, BUILD_TIME) and as OCI annotations. Any supported
// platform (linux/amd64, linux/arm64) builds on any engine without emulation: the build stages
// run on the engine's own platform.
func (p *Pipeline) Build(
	ctx context.Context,
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
	// The platform to build for, linux/amd64 or linux/arm64; linux/amd64 unless given.
	// +optional
	platform dagger.Platform,
) (*dagger.Container, error) {
	c, err := releaseplan.FindComponent(component)
	if err != nil {
		return nil, err
	}
	var given []string
	if platform != "" {
		given = []string{string(platform)}
	}
	platforms, err := releaseplan.CheckPlatforms(given)
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
	native, err := dag.DefaultPlatform(ctx)
	if err != nil {
		return nil, err
	}
	return p.buildImage(c, dagger.Platform(platforms[0]), meta, native)
}

// buildImage builds one component for one platform on an engine of the native platform. Besides
// the build metadata, the Dockerfiles take the download sources as build arguments (GOPROXY,
// NPM_REGISTRY), so that an image builds behind the same mirrors as the tests, and the engine's
// platform as $BUILDPLATFORM (releaseplan.BuildPlatformArgs: Dagger v0.21 would take the
// image's), so that their build stages run natively.
func (p *Pipeline) buildImage(c releaseplan.Component, platform dagger.Platform, meta releaseplan.Meta, native dagger.Platform) (*dagger.Container, error) {
	buildPlatform, err := releaseplan.BuildPlatformArgs(string(native))
	if err != nil {
		return nil, err
	}
	buildContext := p.Source
	if c.Context != "." {
		buildContext = p.Source.Directory(c.Context)
	}
	var args []dagger.BuildArg
	for _, kv := range append(releaseplan.BuildArgs(meta.Version, meta.GitSHA, meta.BuildTime), buildPlatform...) {
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
	return image, nil
}

// buildVariants builds a component for every platform, in order, on an engine of the native
// platform.
func (p *Pipeline) buildVariants(ctx context.Context, c releaseplan.Component, platforms []dagger.Platform, meta releaseplan.Meta, native dagger.Platform) ([]*dagger.Container, error) {
	variants := make([]*dagger.Container, 0, len(platforms))
	for _, pl := range platforms {
		image, err := p.buildImage(c, pl, meta, native)
		if err != nil {
			return nil, err
		}
		if image, err = image.Sync(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", pl, err)
		}
		variants = append(variants, image)
	}
	return variants, nil
}
