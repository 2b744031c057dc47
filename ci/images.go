package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/pipeline/internal/dagger"
)

// Tool images, every one pinned to an exact version: never `latest`, never a floating minor.
// This is the one place to bump a tool: change the tag here, run `dagger call validate` (and
// `dagger call release` for the release tools), and say in the commit which release notes were
// read. Official images only (the tool's own publisher or a Docker official image). Tags are
// what the publishers document: kubeconform and Kyverno tag with a leading "v"; Trivy, Helm
// (alpine/helm), Go, Node and PostgreSQL without. A digest (`@sha256:...`) may be appended to any
// of them to freeze the bytes as well as the name.
const (
	// Helm 4, on Alpine, published by the Alpine project's Docker Hub org.
	ImageHelm = "alpine/helm:4.3.1"
	// kubeconform, the scratch image whose entrypoint is /kubeconform.
	ImageKubeconform = "ghcr.io/yannh/kubeconform:v0.8.0"
	// Kyverno CLI (`kyverno apply`, `kyverno test`), built by ko: entrypoint /ko-app/kubectl-kyverno.
	ImageKyvernoCLI = "ghcr.io/kyverno/kyverno-cli:v1.19.1"
	// Trivy 0.74.0, published in August 2026, after the March 2026 compromise of Trivy's release
	// channel (tampered tags and images): releases from that window must not be used. Before a
	// bump, check the Trivy security advisories for the new release.
	ImageTrivy = "aquasec/trivy:0.74.0"
	// Syft for SBOMs (release).
	ImageSyft = "anchore/syft:v1.57.1"
	// Go toolchain, matching the `go` lines of go.mod and ci/go.mod. Debian bookworm because its
	// archive ships postgresql-15, which backend tests may need as local server binaries.
	ImageGo = "golang:1.26.8-bookworm"
	// Node 20 for the frontend (package.json engines: >=20.19).
	ImageNode = "node:20.20.2-bookworm-slim"
	// PostgreSQL 15, the database the application runs on.
	ImagePostgres = "postgres:15.18-alpine"
	// OCI distribution registry, for local release runs and tests of pushes.
	ImageRegistry = "registry:2.8.3"
)

// Base images of the Dockerfiles (their FROM lines name exactly these; a test checks it). The
// build stages use ImageGo and ImageNode.
const (
	// The backend's runtime: static binary, no shell, user 65532.
	ImageDistrolessStatic = "gcr.io/distroless/static-debian12:nonroot"
	// The frontend's runtime: nginx as user 101, templates rendered by its entrypoint.
	ImageNginxUnprivileged = "nginxinc/nginx-unprivileged:1.28-alpine"
)

// PinnedImages lists every image the module and the Dockerfiles use, for the tests that check
// they stay pinned and that hack/airgap has a stand-in for each.
var PinnedImages = []string{
	ImageHelm, ImageKubeconform, ImageKyvernoCLI, ImageTrivy, ImageSyft,
	ImageGo, ImageNode, ImagePostgres, ImageRegistry,
	ImageDistrolessStatic, ImageNginxUnprivileged,
}

// helmContainer is Helm with the repository's helm/ directory copied to /src/helm, the
// working directory, so that chart paths are "app" and "policies".
func helmContainer(source *dagger.Directory) *dagger.Container {
	return dag.Container().From(ImageHelm).
		WithoutEntrypoint().
		WithDirectory("/src/helm", source.Directory("helm")).
		WithWorkdir("/src/helm")
}

// kubeconformContainer is kubeconform; its image has no shell, so run it by absolute path.
func kubeconformContainer() *dagger.Container {
	return dag.Container().From(ImageKubeconform)
}

// kyvernoContainer is the Kyverno CLI; its image has no shell either.
func kyvernoContainer() *dagger.Container {
	return dag.Container().From(ImageKyvernoCLI)
}

// kyvernoBinary is the Kyverno CLI executable of the pinned image (its entrypoint), for tests
// that run it from another container.
func kyvernoBinary(ctx context.Context) (*dagger.File, error) {
	entrypoint, err := kyvernoContainer().Entrypoint(ctx)
	if err != nil {
		return nil, err
	}
	if len(entrypoint) == 0 || !strings.HasPrefix(entrypoint[0], "/") {
		return nil, fmt.Errorf("%s: entrypoint %q is not an absolute path to the CLI", ImageKyvernoCLI, entrypoint)
	}
	return kyvernoContainer().File(entrypoint[0]), nil
}

// trivyContainer is Trivy, entrypoint cleared so that WithExec runs exactly the given argv.
func trivyContainer() *dagger.Container {
	return dag.Container().From(ImageTrivy).WithoutEntrypoint()
}

// goContainer is the Go toolchain with the shared module and build caches mounted, downloading
// through the configured GOPROXY.
func (p *Pipeline) goContainer() *dagger.Container {
	return p.withGoProxy(withGoCaches(dag.Container().From(ImageGo))).
		WithEnvVariable("CGO_ENABLED", "0")
}

// nodeContainer is Node with the shared npm cache mounted, installing from the configured
// registry.
func (p *Pipeline) nodeContainer() *dagger.Container {
	return p.withNpmRegistry(withNpmCache(dag.Container().From(ImageNode)))
}

// postgresService is a throwaway PostgreSQL 15 for tests. Its credentials are test-only values
// of a database that exists for the length of one test run.
func postgresService(database string) *dagger.Service {
	return postgresContainer(database).AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
}

func postgresContainer(database string) *dagger.Container {
	return dag.Container().From(ImagePostgres).
		WithEnvVariable("POSTGRES_USER", "taskboard").
		WithEnvVariable("POSTGRES_PASSWORD", "taskboard-test").
		WithEnvVariable("POSTGRES_DB", database).
		WithExposedPort(5432)
}
