package toolimages

// End of life of what the pinned images run on: the one place for these dates. Every image in
// Pinned has an entry in pinSupport, naming the runtimes it carries, or saying why it has none;
// TestPinnedRuntimesAreSupported fails once a runtime is past its date, and when a pin has no
// entry. A date is the last day its maintainers fix that release line (or the day they are
// expected to stop, where the comment says "expected"); bump the pin before it.

// Runtime is a release line that a pinned image runs or ships, and its end of life.
type Runtime struct {
	Name      string // the release line, as its maintainers name it
	EndOfLife string // YYYY-MM-DD, the last day of support
}

var (
	// Node.js's release schedule (github.com/nodejs/Release, schedule.json): 24 "Krypton" is LTS,
	// end of life 2028-04-30.
	Node24 = Runtime{"Node.js 24 LTS", "2028-04-30"}
	// nginx supports only its current stable branch, and a new stable branch comes each April
	// (nginx.org/en/download.html, CHANGES: 1.26 in April 2024, 1.28 in April 2025, 1.30 in April
	// 2026). 1.30 is supported until 1.32 ships, expected in April 2027: its last day.
	Nginx130 = Runtime{"nginx 1.30 (stable)", "2027-04-30"}
	// PostgreSQL's versioning policy (postgresql.org/support/versioning): 15's final release is
	// 2027-11-11.
	PostgreSQL15 = Runtime{"PostgreSQL 15", "2027-11-11"}
	// Go supports each major release until there are two newer ones (go.dev/doc/devel/release,
	// "Release Policy"); Go ships each February and August, so 1.26 is supported until 1.28,
	// expected in February 2027: its last day. (1.26, not 1.27: ci/go.mod must stay at what the
	// Dagger engine builds modules with.)
	Go126 = Runtime{"Go 1.26", "2027-02-28"}
	// Debian 12 "bookworm": security support ended 2026-06-10, Debian LTS covers it until
	// 2028-06-30 (wiki.debian.org/LTS). The golang, node and distroless images are built on it.
	DebianBookworm = Runtime{"Debian 12 bookworm (LTS)", "2028-06-30"}
	// Alpine 3.24 (released June 2026). The nginx image's Alpine: nginxinc's alpine-slim
	// Dockerfiles are generated from docker-nginx's (`FROM alpine:3.x`), and docker-library's
	// record of nginx:stable-alpine (repo-info, repos/nginx/remote/stable-alpine.md, October 2026)
	// shows NGINX_VERSION=1.30.6 on alpine-minirootfs-3.24.3. The postgres -alpine tags are built
	// on docker-library's default Alpine, 3.24 since its release (assumed, not read from the
	// image: its SBOM says). Alpine's main repository gets two years (alpinelinux.org/releases:
	// 3.22 until 2027-05-01, 3.23 until 2027-11-01), so 3.24 until 2028-05-01: check that page,
	// and the image's /etc/alpine-release, when bumping either pin.
	Alpine324 = Runtime{"Alpine 3.24", "2028-05-01"}
)

// pipelineTool is why a tool image has no runtime of its own in the table: it runs in the
// pipeline, not under the application, and its publisher dates no support window for a release
// (only the newest one gets fixes), so the pin is kept current rather than dated.
const pipelineTool = "a tool the pipeline runs, not a runtime the application ships on; no dated support window: kept current"

// support says what a pinned image runs on: its runtimes, or, for a tool, why it has none.
type support struct {
	Runtimes []Runtime
	NoDate   string
}

// pinSupport has an entry for every image in Pinned (a test checks it).
var pinSupport = map[string]support{
	Helm:              {NoDate: pipelineTool},
	Kubeconform:       {NoDate: pipelineTool},
	KyvernoCLI:        {NoDate: pipelineTool},
	Trivy:             {NoDate: pipelineTool + " (but held at 0.74.0, see Trivy)"},
	Syft:              {NoDate: pipelineTool},
	Registry:          {NoDate: "the throwaway registry of local release runs and tests; " + pipelineTool},
	Renovate:          {NoDate: pipelineTool + " (Renovate proposes its own updates, with scripts/tool-renovate.sh's)"},
	Go:                {Runtimes: []Runtime{Go126, DebianBookworm}},
	Node:              {Runtimes: []Runtime{Node24, DebianBookworm}},
	Postgres:          {Runtimes: []Runtime{PostgreSQL15, Alpine324}},
	DistrolessStatic:  {Runtimes: []Runtime{DebianBookworm}},
	NginxUnprivileged: {Runtimes: []Runtime{Nginx130, Alpine324}},
}
