// Package stageinputs names the repository files each validate stage reads. A stage mounts only
// those, so that a change anywhere else leaves its inputs' digest, and so its cached result,
// unchanged: a docs-only pull request does not rerun the Go suites.
//
// Patterns take three forms, the subset on which Dagger's Directory.filter and Reads agree:
//
//	dir/       a directory and everything under it
//	**/*.ext   a file name pattern at any depth (no further slash)
//	name       a path from the repository root, optionally with * ? [ ] in its last element
package stageinputs

import (
	"fmt"
	"path"
	"strings"
)

// Set is what one stage reads; an empty Include is the whole repository.
type Set struct {
	Include []string
}

// Whole is the whole repository: scan-fs looks for secrets and misconfigurations in every file.
var Whole = Set{}

// Frontend is the frontend's npm project: its tests, lint, typecheck and build read nothing else.
var Frontend = Set{Include: []string{"frontend/"}}

// Charts are the Helm charts: lint, policies and the rendered manifests of schemas.
var Charts = Set{Include: []string{"helm/"}}

// Module is what the Dagger module's own tests read, but the docs: its source and fixtures, and
// the files of the repository they hold the module to (the pipelines, the charts and the GitOps
// Application for the admission checks, the tool scripts, Dockerfiles and Renovate config for the
// pins, the stand-ins' table, the test-report tools, every .gitignore for the module's +ignore).
var Module = Set{Include: []string{
	"ci/",
	"**/.gitignore",
	".azure-pipelines/",
	"helm/",
	"scripts/",
	"tools/",
	"hack/airgap/README.md",
	"dagger.json",
	"renovate.json",
	"argocd*.yaml",
	".trivyignore.yaml",
	"backend/Dockerfile",
	"frontend/Dockerfile",
	"frontend/vite.config.ts",
}}

// DocCalls is what the check of every `dagger call` in the docs and pipelines reads: the module's
// source (its functions and flags), every Markdown file, the pipelines and dagger.json. A stage of
// its own, so that a docs-only change reruns this one test, not the module's suite.
var DocCalls = Set{Include: []string{"ci/", "**/*.md", ".azure-pipelines/", "dagger.json"}}

// goModuleFiles are read by every `go test` of the root module.
var goModuleFiles = []string{"go.mod", "go.sum"}

// GoPackages is what `go test` of the root module's package patterns reads (with-validation's
// packages: ./backend/... by default): go.mod, go.sum and each pattern's top directory. The
// backend's packages import nothing of the root module outside backend/ (a root test holds
// that); its Dockerfile test reads .dockerignore. "./..." is the whole repository.
func GoPackages(patterns []string) (Set, error) {
	include := append([]string{}, goModuleFiles...)
	seen := map[string]bool{}
	for _, p := range patterns {
		rel, ok := strings.CutPrefix(p, "./")
		if !ok || rel == "" || strings.Contains(rel, "..") && !strings.HasSuffix(rel, "...") {
			return Set{}, fmt.Errorf("package pattern %q: write it relative to the repository root, as ./dir/... or ./dir", p)
		}
		top, _, _ := strings.Cut(rel, "/")
		if top == "..." {
			return Whole, nil
		}
		if !seen[top] {
			seen[top] = true
			include = append(include, top+"/")
		}
		if top == "backend" && !seen[".dockerignore"] {
			seen[".dockerignore"] = true
			include = append(include, ".dockerignore")
		}
	}
	if len(seen) == 0 {
		return Set{}, fmt.Errorf("no package patterns")
	}
	return Set{Include: include}, nil
}

// Reads reports whether a stage with this set sees the file at rel (slash-separated, from the
// repository root).
func (s Set) Reads(rel string) bool {
	if len(s.Include) == 0 {
		return true
	}
	for _, p := range s.Include {
		if match(p, rel) {
			return true
		}
	}
	return false
}

func match(pattern, rel string) bool {
	switch {
	case strings.HasSuffix(pattern, "/"):
		return strings.HasPrefix(rel, pattern)
	case strings.HasPrefix(pattern, "**/"):
		ok, _ := path.Match(pattern[len("**/"):], path.Base(rel))
		return ok
	default:
		ok, _ := path.Match(pattern, rel)
		return ok
	}
}

// Check refuses a pattern outside the three forms, where Reads and the engine could disagree.
func (s Set) Check() error {
	for _, p := range s.Include {
		body := strings.TrimSuffix(strings.TrimPrefix(p, "**/"), "/")
		switch {
		case body == "" || strings.HasPrefix(body, "/") || strings.Contains(body, "**"):
			return fmt.Errorf("input pattern %q: use dir/, **/*.ext or a path", p)
		case strings.HasPrefix(p, "**/") && (strings.Contains(body, "/") || strings.HasSuffix(p, "/")):
			return fmt.Errorf("input pattern %q: after **/ only a file name pattern", p)
		case strings.HasSuffix(p, "/") && strings.ContainsAny(body, "*?["):
			return fmt.Errorf("input pattern %q: a directory is named without wildcards", p)
		}
		if _, err := path.Match(body, ""); err != nil {
			return fmt.Errorf("input pattern %q: %w", p, err)
		}
	}
	return nil
}
