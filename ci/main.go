// The whole CI/CD of the Taskboard application as one Dagger module.
//
// `dagger call validate` is what a pull request runs: chart lint, rendering, schema and policy
// checks, YAML checks, a Trivy filesystem scan and every unit test. `dagger call release` is what
// main runs: build, scan, push, sign, attest SBOMs and record the new images for Argo CD.
package main

import "dagger/pipeline/internal/dagger"

// Pipeline is the CI/CD of the repository it is given.
type Pipeline struct {
	// The repository: charts, policies, application sources.
	Source *dagger.Directory
}

// New returns the pipeline of the given repository.
func New(
	// The repository root. Defaults to the repository the module lives in.
	// +defaultPath="/"
	// +ignore=[".git", "**/node_modules", "frontend/dist", "reports", "**/*.test"]
	source *dagger.Directory,
) *Pipeline {
	return &Pipeline{Source: source}
}
