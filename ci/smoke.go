package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/releaseplan"
	"dagger/pipeline/smoketest"
)

// SmokeTest builds both images and runs them as the chart does: PostgreSQL 15, the backend on it,
// the frontend's nginx proxying /api to the backend, each as the chart's user. It passes when the backend is ready
// (database migrated) and a task created through nginx can be read back from the backend, and
// nginx serves the built page. Release runs the same check before anything is scanned or pushed.
func (p *Pipeline) SmokeTest(ctx context.Context) (string, error) {
	meta, err := newBuildMeta("local", "", "")
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

// The database of the smoke stack: test-only credentials of a database that lives for one run.
const smokeDatabase = "taskboard"

// The users the chart runs the images as (helm/app/values.yaml runAsUser:runAsGroup; a test holds
// them together), so that the smoke run proves each image starts as that user, not only as its
// own. PostgreSQL also gets the chart's PGDATA: a uid other than the image's own cannot chmod
// the image's data directory, only a subdirectory it creates.
const (
	chartPostgresUser   = "10070:10070"
	chartPostgresPGDATA = "/var/lib/postgresql/data/pgdata"
	chartBackendUser    = "65532:65532"
	chartFrontendUser   = "10101:10101"
)

// runStack starts the two images as services and checks them from the module process, which
// reaches each service at its endpoint.
func runStack(ctx context.Context, backendImage, frontendImage *dagger.Container) ([]string, error) {
	postgres := postgresContainer(smokeDatabase).
		WithUser(chartPostgresUser).
		WithEnvVariable("PGDATA", chartPostgresPGDATA).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
	backend, err := backendImage.
		WithUser(chartBackendUser).
		WithServiceBinding("postgres", postgres).
		WithEnvVariable("DATABASE_URL", "postgres://taskboard:taskboard-test@postgres:5432/"+smokeDatabase+"?sslmode=disable").
		WithExposedPort(5000).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true}).
		Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the backend: %w", err)
	}
	defer backend.Stop(ctx)
	frontend, err := frontendImage.
		WithUser(chartFrontendUser).
		WithServiceBinding("backend", backend).
		WithEnvVariable("BACKEND_URL", "http://backend:5000").
		WithExposedPort(8080).
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
	}{{backend, 5000, &stack.Backend}, {frontend, 8080, &stack.Frontend}} {
		endpoint, err := s.svc.Endpoint(ctx, dagger.ServiceEndpointOpts{Port: s.port, Scheme: "http"})
		if err != nil {
			return nil, err
		}
		*s.url = endpoint
	}
	return stack.Check(ctx)
}
