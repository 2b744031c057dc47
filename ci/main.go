// The whole CI/CD of the Taskboard application as one Dagger module.
//
// `dagger call validate` is what a pull request runs: chart lint, rendering, schema and policy
// checks, YAML checks, a Trivy filesystem scan and every unit test. `dagger call release` is what
// main runs: build, scan, push, sign, attest SBOMs and record the new images for Argo CD.
//
// Behind a corporate proxy or on an air-gapped engine, the constructor's flags point every
// download inside a container at internal mirrors, once: `dagger call --go-proxy URL ... validate`,
// or `PIPELINE_goProxy=URL` in a .env file, which `dagger check` reads too.
package main

import "dagger/pipeline/internal/dagger"

// Pipeline is the CI/CD of the repository it is given.
type Pipeline struct {
	// The repository: charts, policies, application sources.
	Source *dagger.Directory

	// Where containers download from (the constructor's flags).
	// +private
	GoProxy string
	// +private
	NpmRegistry string
	// +private
	KubernetesSchemas string
	// +private
	CRDSchemas string
	// +private
	TrivyDB string
	// +private
	TrivyDBInsecure bool
}

// New returns the pipeline of the given repository and the sources it downloads from.
func New(
	// The repository root. Defaults to the repository the module lives in. The ignore list
	// covers everything .gitignore hides, since the engine does not read .gitignore (a test
	// keeps the two together).
	// +defaultPath="/"
	// +ignore=[".git", "bin", "dist", "frontend/dist", "**/node_modules", "reports", ".cache", "**/*.test", "**/*.out", "**/.env", "frontend/**/node_modules", "frontend/**/dist", "frontend/e2e/artifacts", "frontend/**/reports", "frontend/**/*.tsbuildinfo"]
	source *dagger.Directory,
	// GOPROXY for Go module downloads (tests, backend image build); go.sum still checks every
	// module.
	// +default="https://proxy.golang.org,direct"
	goProxy string,
	// npm registry for npm ci (tests, frontend image build); the lock file's hashes still apply.
	// +default="https://registry.npmjs.org/"
	npmRegistry string,
	// kubeconform -schema-location template for Kubernetes kinds; "default" is kubeconform's
	// own (yannh/kubernetes-json-schema), e.g. https://schemas.example.com/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json
	// +default="default"
	kubernetesSchemas string,
	// kubeconform -schema-location template for custom resources (Kyverno, Argo CD): the
	// datreeio CRDs-catalog layout.
	// +default="https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
	crdSchemas string,
	// Trivy DB repositories, tried in order (comma list, as Trivy's --db-repository): Google's
	// mirror first (no rate limit), then GitHub's registry.
	// +default="mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2"
	trivyDb string,
	// Let Trivy download its DB over plain HTTP or self-signed TLS (Trivy's --insecure).
	// +optional
	trivyDbInsecure bool,
) *Pipeline {
	return &Pipeline{
		Source: source, GoProxy: goProxy, NpmRegistry: npmRegistry,
		KubernetesSchemas: kubernetesSchemas, CRDSchemas: crdSchemas,
		TrivyDB: trivyDb, TrivyDBInsecure: trivyDbInsecure,
	}
}
