// Package toolimages pins every image the module and the Dockerfiles use: the one place to bump
// a tool.
package toolimages

// Tool images, every one pinned to an exact version: never `latest`, never a floating minor.
// Change a tag here, run `dagger call validate` (and
// `dagger call release` for the release tools), and say in the commit which release notes were
// read. Each image's runtimes (language, server, OS) and their end-of-life dates are in eol.go,
// the one place for those dates: a test fails once one is past, and when a pin has no entry
// there. Official images only (the tool's own publisher or a Docker official image). Tags are
// what the publishers document: kubeconform and Kyverno tag with a leading "v"; Trivy, Helm
// (alpine/helm), Go, Node and PostgreSQL without. A digest (`@sha256:...`) may be appended to any
// of them to freeze the bytes as well as the name.
const (
	// Helm 4, on Alpine, published by the Alpine project's Docker Hub org.
	Helm = "alpine/helm:4.3.1"
	// kubeconform, the scratch image whose entrypoint is /kubeconform.
	Kubeconform = "ghcr.io/yannh/kubeconform:v0.8.0"
	// Kyverno CLI (`kyverno apply`, `kyverno test`), built by ko: entrypoint /ko-app/kubectl-kyverno.
	KyvernoCLI = "ghcr.io/kyverno/kyverno-cli:v1.19.1"
	// Trivy 0.74.0, published in August 2026, after the March 2026 compromise of Trivy's release
	// channel (tampered tags and images): releases from that window must not be used. Before a
	// bump, check the Trivy security advisories for the new release.
	Trivy = "aquasec/trivy:0.74.0"
	// Syft for SBOMs (release).
	Syft = "anchore/syft:v1.57.1"
	// Go toolchain, matching the `go` lines of go.mod and ci/go.mod. Debian bookworm because its
	// archive ships postgresql-15, which backend tests may need as local server binaries.
	// End of life: eol.go (Go126, DebianBookworm).
	Go = "golang:1.26.8-bookworm"
	// Node 24 LTS for the frontend, with the npm it bundles (package.json engines: >=24.11;
	// scripts/tool-node.sh installs the same version for make test). End of life: eol.go
	// (Node24, DebianBookworm).
	Node = "node:24.22.3-bookworm-slim"
	// PostgreSQL 15, the database the application runs on. End of life: eol.go (PostgreSQL15,
	// Alpine324).
	Postgres = "postgres:15.18-alpine"
	// OCI distribution registry, for local release runs and tests of pushes.
	Registry = "registry:2.8.3"
	// Renovate, the dependency updates of renovate.json (the renovate function), the image
	// Renovate publishes for each npm release: the same version as scripts/tool-renovate.sh,
	// whose validator checks renovate.json (a test holds the two equal, and renovate.json
	// bumps them in one pull request).
	Renovate = "renovate/renovate:44.121.2"
)

// Base images of the Dockerfiles (their FROM lines name exactly these; a test checks it). The
// build stages use Go and Node.
const (
	// The backend's runtime: static binary, no shell, user 65532. End of life: eol.go
	// (DebianBookworm).
	DistrolessStatic = "gcr.io/distroless/static-debian12:nonroot"
	// The frontend's runtime: nginx's stable line as user 101, templates rendered by its
	// entrypoint. alpine-slim, the smallest variant: no njs, xslt, geoip or image-filter modules
	// and no curl, fewer OS packages for the scan gate (docs/SECURITY.md). End of life: eol.go
	// (Nginx130, Alpine324).
	NginxUnprivileged = "nginxinc/nginx-unprivileged:1.30-alpine-slim"
)

// Pinned lists every image the module and the Dockerfiles use, for the tests that check
// they stay pinned and that hack/airgap has a stand-in for each.
var Pinned = []string{
	Helm, Kubeconform, KyvernoCLI, Trivy, Syft,
	Go, Node, Postgres, Registry, Renovate,
	DistrolessStatic, NginxUnprivileged,
}
