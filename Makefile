# make test runs every test of the repository; make bench runs the benchmarks.
# Each area owns one target so that a failure names the part that broke.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

GO ?= go

.PHONY: drill-backup test bench test-go fuzz-backend test-ci test-enginetest test-frontend test-e2e test-renovate test-engine test-cluster test-cluster-release bench-backend bench-backend-profile bench-ci bench-engine bench-pipeline

test: test-go test-ci test-enginetest test-frontend test-e2e test-renovate

# Root module: backend, chart tests (helm/), compose test; and gofmt over every tracked Go file.
# The chart tests run the Kyverno CLI, Trivy and kube-score, and the backup drill runs versitygw
# (an S3 server), all built once from the Go module proxy and cached (a cold build takes 10+
# minutes for the first two): build them first so `go test` stays within its timeout.
test-go:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	bash scripts/tool-kyverno.sh >/dev/null
	bash scripts/tool-trivy.sh >/dev/null
	bash scripts/tool-kube-score.sh >/dev/null
	bash scripts/tool-versitygw.sh >/dev/null
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...
	$(MAKE) --no-print-directory fuzz-backend

# The backup drill at the size docs/BACKUP.md quotes for RPO/RTO: 100,000 tasks backed up to a
# real S3 server (versitygw), the data directory wiped, restored. make test runs it with 3,000.
DRILL_TASKS ?= 100000
drill-backup:
	bash scripts/tool-versitygw.sh >/dev/null
	BACKUP_DRILL_TASKS=$(DRILL_TASKS) $(GO) test -count=1 -run '^TestDrill$$' -v ./backend/internal/backup

# A short native fuzz of each Fuzz target of the backend's request decoding (bodies, query strings,
# cursors), as a regression test: FUZZTIME per target, counted in executions, because a duration
# can fail with a bare "context deadline exceeded" on a loaded machine (go.dev/issue/75804, not
# fixed in Go 1.26). The committed seeds in testdata/fuzz already run in every go test; a failure
# found here is written there as a new seed to commit.
FUZZTIME ?= 20000x
FUZZ_PKG := ./backend/internal/httpapi
fuzz-backend:
	targets="$$($(GO) test -list '^Fuzz' $(FUZZ_PKG) | grep '^Fuzz')"; [ -n "$$targets" ] || { echo "no Fuzz targets in $(FUZZ_PKG)"; exit 1; }; \
	for target in $$targets; do $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $(FUZZ_PKG); done

# The Dagger module has its own go.mod (Dagger reads only ci/go.mod). Its generated bindings
# (dagger develop) read the session's address at init: the unit tests never call the engine, so
# any value lets package main's tests start. ci/testreports runs gotestsum and gocover-cobertura
# for real: they are built once (scripts/tool-testreports.sh) and put on PATH. The signing and
# Trivy tests run Trivy, the Kyverno CLI (released, and with the attestation fix), cosign v3 and
# a private Rekor log (rekor-server, Trillian): built first, so that go test stays within its
# timeout.
test-ci:
	bash scripts/tool-trivy.sh >/dev/null
	bash scripts/tool-rekor.sh >/dev/null
	bash scripts/tool-kyverno.sh >/dev/null
	bash scripts/tool-kyverno-attestations.sh >/dev/null
	bash scripts/tool-cosign.sh >/dev/null
	gotestsum="$$(bash scripts/tool-testreports.sh gotestsum)"; cobertura="$$(bash scripts/tool-testreports.sh gocover-cobertura)"; \
	cd ci && $(GO) vet ./... && PATH="$${gotestsum%/*}:$${cobertura%/*}:$$PATH" DAGGER_SESSION_PORT=0 DAGGER_SESSION_TOKEN=unit-tests $(GO) test -count=1 ./...

# The engine tests' own module (hack/enginetest): its offline mirrors (GOPROXY, npm registry,
# Kubernetes and CRD schemas, Trivy DB) against the real go, npm, kubeconform and Trivy. No
# engine needed; the first run downloads what the mirrors serve and caches it.
test-enginetest:
	cd hack/enginetest && $(GO) vet ./... && $(GO) test -count=1 -timeout 20m ./...

# Frontend unit tests, lint, typecheck and the production build with its size budget.
test-frontend:
	cd frontend && npm run lint && npm run typecheck && npm test && npm run build

# Browser end-to-end: PostgreSQL + backend + nginx + Chromium.
test-e2e:
	cd frontend && npm run test:e2e

# renovate.json, checked by Renovate's own validator (the npm package renovate, pinned in
# scripts/tool-renovate.sh, on the Node 24 of scripts/tool-node.sh) as a repository config:
# --strict fails on an unknown or misspelt option and on one that needs migrating. The validator
# is installed without Renovate's native RE2 module (RENOVATE_X_IGNORE_RE2 says so instead of a
# warning); ci/toolimages' renovate tests compile every regexp of renovate.json with Go's, which
# is RE2, and check that the custom managers find every pin.
test-renovate:
	validator="$$(bash scripts/tool-renovate.sh)"; node_bin="$$(bash scripts/tool-node.sh)"; \
	PATH="$$node_bin:$$PATH" RENOVATE_X_IGNORE_RE2=true "$$validator" --strict --no-global renovate.json

# Every Dagger function under a real engine (hack/enginetest/run.sh says how it finds one). Not
# part of make test: CI has no engine. RUN=regexp picks scenarios.
test-engine:
	bash hack/enginetest/run.sh $(if $(RUN),-run '$(RUN)')

# The charts, the policies and argocd-application.yaml on a real Kubernetes (hack/cluster/README.md):
# the cluster KUBECONFIG names (kind, k3d, EKS) or, when unset, a one-node Kubernetes built from
# source and run here in its own namespaces. Not part of make test. RUN=regexp picks scenarios.
test-cluster:
	RUN='$(RUN)' bash hack/cluster/test.sh

# The same cluster, with the GitOps scenario's values commit made by a real `dagger call release
# --git-push` (a fork's main pipeline) on the engine of make test-engine, which must be running
# (eval "$(../shared/dagger-rig/rig.sh env)" first). Needs make test-cluster's own cluster.
test-cluster-release:
	TASKBOARD_CLUSTER_DAGGER_RELEASE=1 RUN='$(or $(RUN),TestChartOnCluster|TestKyvernoAdmission|TestReleaseOnCluster|TestArgoCDGitOps)' bash hack/cluster/test.sh

bench: bench-backend bench-ci

# Backend under load: PostgreSQL with 10,000 tasks, loadgen at concurrency 32 from a second process,
# one operation at a time, then PostgreSQL alone (pgbench) on the same queries; figures beside goals.
bench-backend:
	$(GO) build -o bin/ ./backend/cmd/server ./backend/cmd/loadgen ./backend/cmd/benchbackend
	./bin/benchbackend -server ./bin/server -loadgen ./bin/loadgen -go $(GO) -tasks 10000 -concurrency 32 -duration 10s

# The same with the server built -tags pprof: CPU and allocation profiles per operation in
# bin/profiles (read them with go tool pprof -top bin/server-pprof bin/profiles/list.cpu.pprof).
bench-backend-profile:
	$(GO) build -o bin/ ./backend/cmd/loadgen ./backend/cmd/benchbackend
	$(GO) build -tags pprof -o bin/server-pprof ./backend/cmd/server
	./bin/benchbackend -server ./bin/server-pprof -loadgen ./bin/loadgen -go $(GO) -tasks 10000 -concurrency 32 -duration 10s -pprof bin/profiles

bench-ci:
	scripts/bench-module-build.sh

# Issue 27's figures beside their goals: a fresh engine's pull-request pipeline, then warm runs
# after no change, one backend, one frontend and one docs change, and a warm release after a
# backend change. Needs the engine of make test-engine, which it empties first (ENGINE_RESET in
# hack/enginetest/run.sh; found for the rig). Not part of make bench.
bench-pipeline:
	bash hack/enginetest/run.sh -bench

# Not part of make bench: needs an engine it may restart (scripts/bench-module-load.sh).
bench-engine:
	scripts/bench-module-load.sh
