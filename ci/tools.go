package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/pipeline/toolimages"

	"dagger/pipeline/internal/dagger"
)

// helmContainer is Helm with the repository's helm/ directory copied to /src/helm, the
// working directory, so that chart paths are "app" and "policies".
func helmContainer(source *dagger.Directory) *dagger.Container {
	return dag.Container().From(toolimages.Helm).
		WithoutEntrypoint().
		WithDirectory("/src/helm", source.Directory("helm")).
		WithWorkdir("/src/helm")
}

// kyvernoContainer is the Kyverno CLI; its image has no shell either.
func kyvernoContainer() *dagger.Container {
	return dag.Container().From(toolimages.KyvernoCLI)
}

// kyvernoBinary is the Kyverno CLI executable of the pinned image (its entrypoint), for tests
// that run it from another container.
func kyvernoBinary(ctx context.Context) (*dagger.File, error) {
	entrypoint, err := kyvernoContainer().Entrypoint(ctx)
	if err != nil {
		return nil, err
	}
	if len(entrypoint) == 0 || !strings.HasPrefix(entrypoint[0], "/") {
		return nil, fmt.Errorf("%s: entrypoint %q is not an absolute path to the CLI", toolimages.KyvernoCLI, entrypoint)
	}
	return kyvernoContainer().File(entrypoint[0]), nil
}

// trivyContainer is Trivy, entrypoint cleared so that WithExec runs exactly the given argv.
func trivyContainer() *dagger.Container {
	return dag.Container().From(toolimages.Trivy).WithoutEntrypoint()
}

// goContainer is the Go toolchain with the shared module and build caches mounted, downloading
// through the configured GOPROXY.
func (p *Pipeline) goContainer() *dagger.Container {
	return p.withGoProxy(withGoCaches(dag.Container().From(toolimages.Go))).
		WithEnvVariable("CGO_ENABLED", "0")
}

// nodeContainer is Node with the shared npm cache mounted, installing from the configured
// registry.
func (p *Pipeline) nodeContainer() *dagger.Container {
	return withNpmCache(dag.Container().From(toolimages.Node)).WithEnvVariable("npm_config_registry", p.NpmRegistry)
}

// withGoProxy makes Go downloads go through the configured GOPROXY. Images themselves come
// through the engine's own registry mirrors: engine configuration, not a module option.
func (p *Pipeline) withGoProxy(c *dagger.Container) *dagger.Container {
	return c.WithEnvVariable("GOPROXY", p.GoProxy)
}

// postgresService is a throwaway PostgreSQL 15 for tests. Its credentials are test-only values
// of a database that exists for the length of one test run.
func postgresService(database string) *dagger.Service {
	return postgresContainer(database).AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
}

func postgresContainer(database string) *dagger.Container {
	return dag.Container().From(toolimages.Postgres).
		WithEnvVariable("POSTGRES_USER", "taskboard").
		WithEnvVariable("POSTGRES_PASSWORD", "taskboard-test").
		WithEnvVariable("POSTGRES_DB", database).
		WithExposedPort(5432)
}
