package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/provenance"
	"dagger/pipeline/releaseplan"
	"dagger/pipeline/smoketest"
)

// SmokeTest builds both images and runs them as the chart does: PostgreSQL 15, the backend on it,
// the frontend's nginx proxying /api to the backend, each as the chart's user. It passes when the backend is ready
// (database migrated) and a task created through nginx can be read back from the backend, and
// nginx serves the built page. Release runs the same check before anything is scanned or pushed.
func (p *Pipeline) SmokeTest(ctx context.Context) (string, error) {
	meta, err := releaseplan.NewMeta(provenance.LocalCommit, "", "", time.Now())
	if err != nil {
		return "", err
	}
	images := map[string]*dagger.Container{}
	for _, name := range []string{"backend", "frontend"} {
		c, err := releaseplan.FindComponent(name)
		if err != nil {
			return "", err
		}
		images[name] = p.buildImage(c, defaultPlatform, meta)
	}
	lines, err := runStack(ctx, images["backend"], images["frontend"])
	if err != nil {
		return "", err
	}
	return strings.Join(lines, "\n") + "\n", nil
}

// runStack starts the two images as services and checks them from the module process, which
// reaches each service at its endpoint.
func runStack(ctx context.Context, backendImage, frontendImage *dagger.Container) ([]string, error) {
	postgres := postgresContainer(smoketest.Database).
		WithUser(smoketest.PostgresUser).
		WithEnvVariable("PGDATA", smoketest.PostgresPGDATA).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
	backend, err := backendImage.
		WithUser(smoketest.BackendUser).
		WithServiceBinding("postgres", postgres).
		WithEnvVariable("DATABASE_URL", smoketest.DatabaseURL).
		WithExposedPort(smoketest.BackendPort).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true}).
		Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the backend: %w", err)
	}
	defer backend.Stop(ctx)
	frontend, err := frontendImage.
		WithUser(smoketest.FrontendUser).
		WithServiceBinding("backend", backend).
		WithEnvVariable("BACKEND_URL", fmt.Sprintf("http://backend:%d", smoketest.BackendPort)).
		WithExposedPort(smoketest.FrontendPort).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true}).
		Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the frontend: %w", err)
	}
	defer frontend.Stop(ctx)
	stack := smoketest.Stack{}
	for _, s := range []struct {
		svc  *dagger.Service
		port int
		url  *string
	}{{backend, smoketest.BackendPort, &stack.Backend}, {frontend, smoketest.FrontendPort, &stack.Frontend}} {
		endpoint, err := s.svc.Endpoint(ctx, dagger.ServiceEndpointOpts{Port: s.port, Scheme: "http"})
		if err != nil {
			return nil, err
		}
		*s.url = endpoint
	}
	return stack.Check(ctx)
}
