package main

import (
	"context"

	"dagger/pipeline/internal/dagger"
)

type Pipeline struct {
	// The repository.
	Source *dagger.Directory
	// +private
	Registry string
}

func New(source *dagger.Directory, registryURL string) *Pipeline { return &Pipeline{Source: source} }

func (p *Pipeline) Lint(ctx context.Context) error { return nil }

func (p *Pipeline) ScanFs(ctx context.Context, severity string, ignoreUnfixed bool) (*dagger.Directory, error) {
	return nil, nil
}

func (p *Pipeline) Render(ctx context.Context, kubernetesVersion string) (*dagger.File, error) {
	return nil, nil
}

func (p *Pipeline) Validate(ctx context.Context) (string, error) { return "", nil }

// WithRegistry configures the registry once for the functions chained after it.
func (p *Pipeline) WithRegistry(
	// The registry's address.
	address string,
	// Its password.
	password *dagger.Secret,
) *Pipeline {
	return p
}

func (p *Pipeline) helper() {}

type Other struct{}

func (o *Other) NotAFunction() {}

type lower struct{}

func (l *lower) Exported() {}

// Documented has a doc comment and documented arguments.
func (p *Pipeline) Documented(
	ctx context.Context,
	// The name to greet.
	// +default="world"
	name string,
	// +optional
	pragmaOnly string,
) error {
	return nil
}
