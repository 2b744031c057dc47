// The whole CI/CD of the Taskboard application as one Dagger module.
//
// `dagger call validate` is what a pull request runs: chart lint, rendering, schema and policy
// checks, YAML checks, a Trivy filesystem scan and every unit test. `dagger call release` is what
// main runs: build, scan, push, sign, attest and record the new images for Argo CD. Settings are
// given once: download mirrors to the constructor (or PIPELINE_* in .env, which `dagger check`
// reads), the rest to chained with-* methods (with.go).
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

	// with-scan-policy.
	// +private
	Severity string
	// +private
	IgnoreUnfixed bool
	// +private
	TrivyDB string
	// +private
	TrivyDBInsecure bool
	// +private
	TrivyChecks string
	// +private
	TrivyChecksInsecure bool

	// with-validation.
	// +private
	KubernetesVersion string
	// +private
	SkipKinds []string
	// +private
	GoPackages []string

	// with-ecr or with-registry; neither means a throwaway registry.
	// +private
	RegistryKind string
	// +private
	RegistryAddress string
	// +private
	RegistryUsername string
	// +private
	RegistryPassword *dagger.Secret
	// +private
	EcrNamespace string
	// +private
	AwsAccountID string
	// +private
	AwsRegion string
	// +private
	AwsRoleARN string
	// +private
	AwsWebIdentityToken *dagger.Secret
	// +private
	AwsSessionDuration string
	// +private
	AwsAccessKeyID *dagger.Secret
	// +private
	AwsSecretAccessKey *dagger.Secret
	// +private
	AwsSessionToken *dagger.Secret

	// with-cosign-key; none means an ephemeral key pair.
	// +private
	CosignKey *dagger.Secret
	// +private
	CosignPassword *dagger.Secret
	// +private
	RekorURL string

	// with-provenance.
	// +private
	SourceRepository string
	// +private
	BuilderID string
	// +private
	Invocation string

	// with-admission.
	// +private
	PolicyValues []string
	// +private
	AppValues []string

	// with-git-ops.
	// +private
	GitRepoURL string
	// +private
	GitToken *dagger.Secret
	// +private
	GitBranch string
	// +private
	GitUsername string
	// +private
	GitAuthor string
	// +private
	ValuesPath string
	// +private
	GitCACertificate *dagger.File

	// with-renovate; none means renovate refuses to run.
	// +private
	RenovatePlatform string
	// +private
	RenovateEndpoint string
	// +private
	RenovateRepositories []string
	// +private
	RenovateToken *dagger.Secret
	// +private
	RenovateGithubToken *dagger.Secret
	// +private
	RenovateGitAuthor string
}

// New returns the pipeline of the given repository and the sources it downloads from.
func New(
	// The repository root. Defaults to the repository the module lives in. The ignore list
	// covers everything .gitignore hides, since the engine does not read .gitignore (a test
	// keeps the two together).
	// +defaultPath="/"
	// +ignore=[".git", "bin", "dist", "frontend/dist", "**/node_modules", "reports", ".cache", "**/*.test", "ci/pipeline", "**/*.out", "**/.env", "frontend/**/node_modules", "frontend/**/dist", "frontend/e2e/artifacts", "frontend/**/reports", "frontend/**/*.tsbuildinfo"]
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
) *Pipeline {
	return withDefaults(&Pipeline{
		Source: source, GoProxy: goProxy, NpmRegistry: npmRegistry,
		KubernetesSchemas: kubernetesSchemas, CRDSchemas: crdSchemas,
	})
}
