// Package buildinfo holds the version stamped into the binary at build time.
//
// Set them with the linker, for example:
//
//	go build -ldflags "-X github.com/devsecops-reference/taskboard/backend/internal/buildinfo.Version=1.2.3 \
//	  -X github.com/devsecops-reference/taskboard/backend/internal/buildinfo.Commit=$(git rev-parse HEAD) \
//	  -X github.com/devsecops-reference/taskboard/backend/internal/buildinfo.BuildTime=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
//	  ./backend/cmd/server
package buildinfo

// These are variables, not constants, so that `-ldflags -X` can overwrite them.
var (
	Version   = "dev"
	Commit    = "unknown"
	BuildTime = "unknown"
)

// Info is the JSON shape of GET /api/version.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	BuildTime string `json:"buildTime"`
}

// Get returns the values stamped at build time.
func Get() Info {
	return Info{Version: Version, Commit: Commit, BuildTime: BuildTime}
}
