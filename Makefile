# make test runs every test of the repository; make bench runs the benchmarks.
# Each area owns one target so that a failure names the part that broke.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

GO ?= go

.PHONY: test bench test-go test-ci test-frontend test-e2e bench-backend bench-ci

test: test-go test-ci test-frontend test-e2e

# Root module: backend, chart tests (helm/), compose test.
test-go:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# The Dagger module has its own go.mod (Dagger reads only ci/go.mod).
test-ci:
	cd ci && $(GO) vet ./... && $(GO) test -count=1 ./...

# Frontend unit tests, lint, typecheck and the production build with its size budget.
test-frontend:
	@echo "frontend tests: not yet written"

# Browser end-to-end: PostgreSQL + backend + nginx + Chromium.
test-e2e:
	@echo "e2e tests: not yet written"

bench: bench-backend bench-ci

bench-backend:
	@echo "backend benchmark: not yet written"

bench-ci:
	scripts/bench-module-build.sh
