package main

import (
	"cmp"
	"fmt"
	"net/mail"

	"dagger/pipeline/ecrauth"
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/renovaterun"
	"dagger/pipeline/stageinputs"
	"dagger/pipeline/trivyreport"
)

// Every default of the module's settings is declared here, once: New applies them, and a with-*
// method given an empty value keeps the current one. Four methods replace a whole setting
// instead, because its parts belong together: with-ecr and with-registry (a registry with its
// credentials), with-cosign-key (a key with its password and transparency log), and
// with-renovate (a platform with its token and repositories).
const (
	// Google's mirror first (no rate limit), then GitHub's registry.
	defaultTrivyDB = "mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2"
	// The misconfiguration checks compiled into the pinned Trivy: they move with a Trivy bump.
	defaultTrivyChecks = trivyreport.EmbeddedChecks
	defaultGitBranch   = "main"
	defaultGitUsername = "x-access-token"
	defaultGitAuthor   = "Taskboard CI <ci@taskboard.invalid>"
	defaultValuesPath  = "helm/app/values.yaml"
	defaultGoPackages  = "./backend/..."
	// The repository the provenance names, as helm/policies' sourceRepository (a test holds
	// them together).
	defaultSourceRepository = "https://github.com/devsecops-reference/taskboard"
)

// What the cluster admits, as argocd-application.yaml layers each chart's values files.
var (
	defaultPolicyValues = []string{"helm/policies/values.yaml", "helm/policies/values-production.yaml"}
	defaultAppValues    = []string{"helm/app/values.yaml", "helm/app/values-production.yaml"}
)

func withDefaults(p *Pipeline) *Pipeline {
	p.Severity, p.TrivyDB, p.TrivyChecks = trivyreport.DefaultSeverities, defaultTrivyDB, defaultTrivyChecks
	p.GitBranch, p.GitUsername, p.GitAuthor = defaultGitBranch, defaultGitUsername, defaultGitAuthor
	p.ValuesPath, p.GoPackages = defaultValuesPath, []string{defaultGoPackages}
	p.SourceRepository = defaultSourceRepository
	p.PolicyValues, p.AppValues = defaultPolicyValues, defaultAppValues
	return p
}

// WithScanPolicy sets what fails a Trivy scan (scan-fs, scan-image, validate and release), where
// Trivy's vulnerability DB comes from, and which misconfiguration checks it runs. The three
// switches are off unless given again.
func (p *Pipeline) WithScanPolicy(
	// Severities that fail, as a comma list like Trivy's --severity; HIGH,CRITICAL unless given.
	// +optional
	severity string,
	// Let vulnerabilities that have no fix yet through (they are still reported).
	// +optional
	ignoreUnfixed bool,
	// Trivy DB repositories, tried in order (comma list, as Trivy's --db-repository), e.g. an
	// internal mirror of mirror.gcr.io/aquasec/trivy-db:2. Google's mirror, then GitHub's, unless
	// given.
	// +optional
	dbRepository string,
	// Let Trivy download its DB over plain HTTP or self-signed TLS (Trivy's --insecure).
	// +optional
	dbInsecure bool,
	// Trivy checks bundle to run instead of the misconfiguration checks compiled into the pinned
	// Trivy (Trivy's --checks-bundle-repository), pinned by digest, e.g.
	// registry.example.com/aquasec/trivy-checks@sha256:..., or by a release's full version tag
	// (:2.1.0); a moving tag (:2, :latest) is refused. Downloaded once, then every scan runs it
	// offline. embedded (the checks of the pinned Trivy) unless given.
	// +optional
	checksBundleRepository string,
	// Let Trivy download the checks bundle over plain HTTP or self-signed TLS (Trivy's
	// --insecure).
	// +optional
	checksInsecure bool,
) (*Pipeline, error) {
	if _, err := trivyreport.ParseSeveritySet(cmp.Or(severity, p.Severity)); err != nil {
		return nil, fmt.Errorf("with-scan-policy: %w", err)
	}
	if err := trivyreport.CheckChecksBundle(cmp.Or(checksBundleRepository, p.TrivyChecks)); err != nil {
		return nil, fmt.Errorf("with-scan-policy: %w", err)
	}
	c := *p
	c.Severity, c.IgnoreUnfixed = cmp.Or(severity, p.Severity), ignoreUnfixed
	c.TrivyDB, c.TrivyDBInsecure = cmp.Or(dbRepository, p.TrivyDB), dbInsecure
	c.TrivyChecks, c.TrivyChecksInsecure = cmp.Or(checksBundleRepository, p.TrivyChecks), checksInsecure
	return &c, nil
}

// WithValidation sets what validate, render, schemas, policies and test look at.
func (p *Pipeline) WithValidation(
	// Kubernetes version for rendering and schemas; helm/app's kubeVersion floor unless given.
	// +optional
	kubernetesVersion string,
	// Kinds kubeconform skips, in its -skip syntax (Kind or group/version/Kind); each skipped
	// resource is listed in the report.
	// +optional
	skipKinds []string,
	// Packages of the root Go module to test, as ./dir/... or ./dir; ./backend/... unless
	// given. The test stage mounts go.mod, go.sum and each pattern's top directory only.
	// +optional
	goPackages []string,
) (*Pipeline, error) {
	if len(goPackages) > 0 {
		if _, err := stageinputs.GoPackages(goPackages); err != nil {
			return nil, fmt.Errorf("with-validation --go-packages: %w", err)
		}
	}
	c := *p
	c.KubernetesVersion = cmp.Or(kubernetesVersion, p.KubernetesVersion)
	if len(skipKinds) > 0 {
		c.SkipKinds = skipKinds
	}
	if len(goPackages) > 0 {
		c.GoPackages = goPackages
	}
	return &c, nil
}

// WithEcr releases to Amazon ECR as an IAM role, assumed with the pipeline's OIDC token
// (--role-arn, --web-identity-token), or with AWS keys (--access-key-id, --secret-access-key):
// exactly one of the two. The login token comes from the AWS SDK inside the module; neither the
// OIDC token nor the keys reach a container.
func (p *Pipeline) WithEcr(
	// AWS account that owns the registry (12 digits).
	accountId string,
	// AWS region of the registry, e.g. eu-west-1.
	region string,
	// IAM role to assume with --web-identity-token, e.g.
	// arn:aws:iam::123456789012:role/taskboard-release.
	// +optional
	roleArn string,
	// OIDC token of the pipeline's service connection (workload identity federation), e.g.
	// env://AWS_WEB_IDENTITY_TOKEN: AWS STS exchanges it for the role's temporary credentials.
	// +optional
	webIdentityToken *dagger.Secret,
	// How long the role's credentials last, e.g. 2h: 15m to 12h, and no longer than the role's
	// maximum session duration. STS's default (1h) unless given.
	// +optional
	sessionDuration string,
	// AWS access key ID, e.g. env://AWS_ACCESS_KEY_ID, instead of a role.
	// +optional
	accessKeyId *dagger.Secret,
	// AWS secret access key, e.g. env://AWS_SECRET_ACCESS_KEY, with --access-key-id.
	// +optional
	secretAccessKey *dagger.Secret,
	// AWS session token, for temporary keys.
	// +optional
	sessionToken *dagger.Secret,
	// A path before the repository names, e.g. apps for apps/taskboard-backend.
	// +optional
	namespace string,
) (*Pipeline, error) {
	given := ecrauth.Given{
		RoleARN: roleArn != "", WebIdentityToken: webIdentityToken != nil, SessionDuration: sessionDuration != "",
		AccessKeyID: accessKeyId != nil, SecretAccessKey: secretAccessKey != nil, SessionToken: sessionToken != nil,
	}
	if err := given.Check(); err != nil {
		return nil, err
	}
	if _, err := ecrauth.ParseSessionDuration(sessionDuration); err != nil {
		return nil, err
	}
	c := p.withoutRegistry()
	c.RegistryKind, c.EcrNamespace = "ecr", namespace
	c.AwsAccountID, c.AwsRegion = accountId, region
	c.AwsRoleARN, c.AwsWebIdentityToken, c.AwsSessionDuration = roleArn, webIdentityToken, sessionDuration
	c.AwsAccessKeyID, c.AwsSecretAccessKey, c.AwsSessionToken = accessKeyId, secretAccessKey, sessionToken
	return c, nil
}

// WithRegistry releases to any OCI registry that takes a username and password.
func (p *Pipeline) WithRegistry(
	// Registry host and optional namespace, e.g. registry.example.com/team; http://host:port for
	// one that speaks no TLS (the engine must allow HTTP to it too).
	address string,
	// Registry username.
	username string,
	// Registry password or token, e.g. env://DOCKER_REGISTRY_PASSWORD.
	password *dagger.Secret,
) *Pipeline {
	c := p.withoutRegistry()
	c.RegistryKind, c.RegistryAddress, c.RegistryUsername, c.RegistryPassword = "basic", address, username, password
	return c
}

// withoutRegistry is a copy with no registry settings: the last with-ecr or with-registry wins.
func (p *Pipeline) withoutRegistry() *Pipeline {
	c := *p
	c.RegistryKind, c.RegistryAddress, c.RegistryUsername, c.RegistryPassword = "", "", "", nil
	c.EcrNamespace, c.AwsAccountID, c.AwsRegion, c.AwsAccessKeyID, c.AwsSecretAccessKey, c.AwsSessionToken = "", "", "", nil, nil, nil
	c.AwsRoleARN, c.AwsWebIdentityToken, c.AwsSessionDuration = "", nil, ""
	return &c
}

// WithCosignKey signs with this Cosign key instead of an ephemeral key pair. It replaces an
// earlier with-cosign-key whole: a password or log left out is not taken from the earlier key.
func (p *Pipeline) WithCosignKey(
	// Cosign private key (cosign.key, encrypted PEM), e.g. env://COSIGN_PRIVATE_KEY.
	key *dagger.Secret,
	// Password of the key, e.g. env://COSIGN_PASSWORD.
	// +optional
	password *dagger.Secret,
	// Record every signature and attestation in this Rekor transparency log (e.g.
	// https://rekor.sigstore.dev), and verify each entry before going on. Unless given, a release
	// to a real registry records in the log the cluster's policy requires (with-admission's
	// verifyImageSignatures.transparencyLog), and in none when it requires none.
	// +optional
	rekorUrl string,
) *Pipeline {
	c := *p
	c.CosignKey, c.CosignPassword, c.RekorURL = key, password, rekorUrl
	return &c
}

// WithAdmission says where release reads what the cluster admits. Before it builds anything for
// a registry of with-ecr or with-registry, release checks that the signature policy trusts its
// key and covers the repositories it pushes to, and that the application chart pulls from them;
// a fork that changed one and not the other is refused, naming the value to set.
func (p *Pipeline) WithAdmission(
	// The policies chart's values files, in the order Argo CD layers them;
	// helm/policies/values.yaml,helm/policies/values-production.yaml unless given.
	// +optional
	policyValues []string,
	// The application chart's values files, in the order Argo CD layers them;
	// helm/app/values.yaml,helm/app/values-production.yaml unless given.
	// +optional
	appValues []string,
) *Pipeline {
	c := *p
	if len(policyValues) > 0 {
		c.PolicyValues = policyValues
	}
	if len(appValues) > 0 {
		c.AppValues = appValues
	}
	return &c
}

// WithGitOps says where release --git-push and git-push commit the new image tags and digests
// for Argo CD.
func (p *Pipeline) WithGitOps(
	// The GitOps repository's HTTPS clone URL, without credentials.
	repoUrl string,
	// The access token (HTTP basic auth password), e.g. env://GIT_TOKEN.
	token *dagger.Secret,
	// The branch Argo CD follows; main unless given.
	// +optional
	branch string,
	// The username that goes with the token; any non-empty name works for Azure DevOps and
	// GitHub. x-access-token unless given.
	// +optional
	username string,
	// The commit's author, as git writes it: "Name <email>". Taskboard CI unless given.
	// +optional
	author string,
	// The values file, relative to the repository root and to the GitOps repository's;
	// helm/app/values.yaml unless given.
	// +optional
	valuesPath string,
	// PEM certificates to trust for the Git server besides the system's (a private CA).
	// +optional
	caCertificate *dagger.File,
) (*Pipeline, error) {
	if author != "" {
		if _, err := mail.ParseAddress(author); err != nil {
			return nil, fmt.Errorf("with-git-ops: author %q is not \"Name <email>\": %w", author, err)
		}
	}
	c := *p
	c.GitRepoURL, c.GitToken, c.GitCACertificate = repoUrl, token, caCertificate
	c.GitBranch, c.GitUsername = cmp.Or(branch, p.GitBranch), cmp.Or(username, p.GitUsername)
	c.GitAuthor, c.ValuesPath = cmp.Or(author, p.GitAuthor), cmp.Or(valuesPath, p.ValuesPath)
	return &c, nil
}

// WithProvenance says what the release's SLSA provenance names: the source repository and the
// builder, as the cluster's admission policy expects them (helm/policies sourceRepository and
// builderId), and this run.
func (p *Pipeline) WithProvenance(
	// The source repository's URL, e.g. https://dev.azure.com/org/project/_git/taskboard;
	// helm/policies' default unless given.
	// +optional
	repository string,
	// runDetails.builder.id; "<repository>/ci/release" unless given.
	// +optional
	builderId string,
	// This run's id, e.g. the pipeline run's URL; a random urn:uuid unless given.
	// +optional
	invocation string,
) *Pipeline {
	c := *p
	c.SourceRepository, c.BuilderID = cmp.Or(repository, p.SourceRepository), cmp.Or(builderId, p.BuilderID)
	c.Invocation = cmp.Or(invocation, p.Invocation)
	return &c
}

// WithRenovate says where renovate opens its pull requests: the platform, its API, the
// repositories and the token Renovate logs in with. It replaces an earlier with-renovate whole: a
// token or repository left out is not taken from the earlier call. Everything is checked here,
// before anything runs: a missing token, endpoint or repository, a platform Renovate does not
// know, or an endpoint that is not https:// is refused, naming the flag.
func (p *Pipeline) WithRenovate(
	// The platform's token, e.g. env://RENOVATE_TOKEN. On Azure DevOps, a personal access token
	// with Code (read & write), Pull Request Threads (read & write) and Work Items (read & write:
	// the Dependency Dashboard is a work item there). Not with --platform local.
	// +optional
	token *dagger.Secret,
	// Renovate's platform: azure (Azure DevOps) unless given; github, gitlab, gitea, forgejo,
	// bitbucket, bitbucket-server, gerrit, scm-manager, codecommit; or local, a dry run of this
	// repository (the module's source) that logs in nowhere.
	// +optional
	platform string,
	// The platform's API, https:// only: https://dev.azure.com/ORGANIZATION/ on Azure DevOps,
	// where it is required; Renovate's default for the platform elsewhere unless given.
	// +optional
	endpoint string,
	// The repositories Renovate updates, as the platform names them: PROJECT/REPOSITORY on Azure
	// DevOps, OWNER/REPOSITORY elsewhere. Required but with --platform local: Renovate is never
	// left to discover what the token reaches.
	// +optional
	repositories []string,
	// A github.com token for release notes and versions hosted on GitHub, e.g.
	// env://GITHUB_COM_TOKEN: read access to public repositories is enough. Without it, Renovate
	// works within github.com's anonymous rate limit and its pull requests lack most changelogs.
	// +optional
	githubToken *dagger.Secret,
	// The author of Renovate's commits, as git writes it: "Name <email>". Renovate's own unless
	// given.
	// +optional
	gitAuthor string,
) (*Pipeline, error) {
	c := *p
	c.RenovatePlatform, c.RenovateEndpoint = cmp.Or(platform, renovaterun.DefaultPlatform), endpoint
	c.RenovateRepositories, c.RenovateGitAuthor = repositories, gitAuthor
	c.RenovateToken, c.RenovateGithubToken = token, githubToken
	if err := c.renovateSettings().Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// renovateSettings are with-renovate's settings as renovaterun checks them; a secret counts as
// given without being read.
func (p *Pipeline) renovateSettings() renovaterun.Settings {
	return renovaterun.Settings{
		Platform: p.RenovatePlatform, Endpoint: p.RenovateEndpoint, Repositories: p.RenovateRepositories,
		Token: p.RenovateToken != nil, GithubToken: p.RenovateGithubToken != nil, GitAuthor: p.RenovateGitAuthor,
	}
}
