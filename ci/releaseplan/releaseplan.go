// Package releaseplan holds the decisions of a release that need no engine: which registry the
// images go to and how to log in, what the images are called, which build arguments and OCI
// annotations they carry. The Dagger functions only carry them out.
package releaseplan

import (
	"fmt"
	"regexp"
	"time"

	"dagger/pipeline/provenance"
)

// Component is one image of the application.
type Component struct {
	// Name is "backend" or "frontend": the key in values.yaml and the image's suffix.
	Name string
	// Context is the Docker build context, relative to the repository root.
	Context string
	// Dockerfile is the Dockerfile's path relative to Context.
	Dockerfile string
}

// Components are the application's images, built from the same Dockerfiles docker-compose uses.
var Components = []Component{
	{Name: "backend", Context: ".", Dockerfile: "backend/Dockerfile"},
	{Name: "frontend", Context: "frontend", Dockerfile: "Dockerfile"},
}

// ComponentNames are the components' names, in order.
func ComponentNames() []string {
	out := make([]string, len(Components))
	for i, c := range Components {
		out[i] = c.Name
	}
	return out
}

// FindComponent returns the component of that name.
func FindComponent(name string) (Component, error) {
	for _, c := range Components {
		if c.Name == name {
			return c, nil
		}
	}
	return Component{}, fmt.Errorf("unknown component %q (want backend or frontend)", name)
}

// RepositoryName is the image repository of a component: "taskboard-<component>", the names the
// chart's values and the image-verification policy use.
func RepositoryName(component string) string { return "taskboard-" + component }

var gitSHAPattern = regexp.MustCompile(`^[0-9a-f]{7,40}$`)

// CheckGitSHA accepts a full or abbreviated lowercase hex commit id, or "local" for a laptop run.
func CheckGitSHA(sha string) error {
	if sha == provenance.LocalCommit || gitSHAPattern.MatchString(sha) {
		return nil
	}
	return fmt.Errorf("--git-sha %q is not a git commit id (7 to 40 lowercase hex characters)", sha)
}

// BuildArgs are the Dockerfile build arguments of a release, the same for both Dockerfiles (and
// docker-compose): VERSION, GIT_COMMIT and BUILD_TIME.
func BuildArgs(version, gitSHA, buildTime string) [][2]string {
	return [][2]string{
		{"VERSION", version},
		{"GIT_COMMIT", gitSHA},
		{"BUILD_TIME", buildTime},
	}
}

// SourceDateEpoch is the time no timestamp of an image may be later than (as BuildKit's
// SOURCE_DATE_EPOCH): the build time (RFC 3339), so that the same commit built at the same
// recorded time gives the same image.
func SourceDateEpoch(buildTime string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, buildTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("build time %q is not RFC 3339 (e.g. 2026-01-02T15:04:05Z): %w", buildTime, err)
	}
	return t.UTC(), nil
}

// SourceURL is the repository the images are built from, for their OCI annotations.
const SourceURL = "https://github.com/devsecops-reference/taskboard"

// Annotations are the OCI manifest annotations of a component's image.
func Annotations(component, version, gitSHA, buildTime string) [][2]string {
	return [][2]string{
		{"org.opencontainers.image.title", RepositoryName(component)},
		{"org.opencontainers.image.source", SourceURL},
		{"org.opencontainers.image.version", version},
		{"org.opencontainers.image.revision", gitSHA},
		{"org.opencontainers.image.created", buildTime},
	}
}
