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
	// The engine's own platform: the images run without emulation.
	native, err := dag.DefaultPlatform(ctx)
	if err != nil {
		return "", err
	}
	images := map[string]*dagger.Container{}
	for _, name := range []string{"backend", "frontend"} {
		c, err := releaseplan.FindComponent(name)
		if err != nil {
			return "", err
		}
		if images[name], err = p.buildImage(c, native, meta, native); err != nil {
			return "", err
		}
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
	var stack smoketest.Stack
	backend, err := startAs(ctx, "backend", backendImage.
		WithServiceBinding("postgres", postgres).
		WithEnvVariable("DATABASE_URL", smoketest.DatabaseURL), smoketest.BackendUser, smoketest.BackendPort, &stack.Backend)
	if err != nil {
		return nil, err
	}
	defer backend.Stop(ctx)
	frontend, err := startAs(ctx, "frontend", frontendImage.
		WithServiceBinding("backend", backend).
		WithEnvVariable("BACKEND_URL", fmt.Sprintf("http://backend:%d", smoketest.BackendPort)), smoketest.FrontendUser, smoketest.FrontendPort, &stack.Frontend)
	if err != nil {
		return nil, err
	}
	defer frontend.Stop(ctx)
	return stack.Check(ctx)
}

// startAs starts an image as the chart's user, listening on port, and writes its URL to url.
func startAs(ctx context.Context, what string, c *dagger.Container, user string, port int, url *string) (*dagger.Service, error) {
	svc, err := c.WithUser(user).WithExposedPort(port).AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true}).Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the %s: %w", what, err)
	}
	if *url, err = svc.Endpoint(ctx, dagger.ServiceEndpointOpts{Port: port, Scheme: "http"}); err != nil {
		svc.Stop(ctx)
		return nil, err
	}
	return svc, nil
}
