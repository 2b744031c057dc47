package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/junit"
	"dagger/pipeline/releaseplan"
	"dagger/pipeline/releasereport"
	"dagger/pipeline/sbom"
	"dagger/pipeline/signing"
	"dagger/pipeline/summary"
	"dagger/pipeline/testreports"
	"dagger/pipeline/valuesfile"
)

// Release is what main runs, in order, stopping at the first failure: build the backend and
// frontend images, run them together with PostgreSQL (as smoke-test does), scan them with Trivy
// (HIGH/CRITICAL fail before anything is pushed), push them, sign them by digest with Cosign and verify the signatures, attach their SPDX and
// CycloneDX SBOMs as signed attestations and verify those, set the new tags and digests in
// helm/app/values.yaml and, with --git-push, commit that to the GitOps repository.
//
// With no flags it runs on a laptop: a throwaway registry service, an ephemeral key pair, no
// git push. Returns the reports directory: summary.md, release.json, junit/release.xml (one
// case per stage), cosign.pub, values.yaml and per component the Trivy report, its gate verdict
// and both SBOMs (`dagger call release export --path reports`).
//
// +cache="never"
func (p *Pipeline) Release(
	ctx context.Context,
	// The git commit being released (7 to 40 hex characters): the image tag. "local" on a laptop.
	// +default="local"
	gitSha string,
	// The version recorded in the images. Defaults to the git SHA.
	// +optional
	version string,
	// The build time recorded in the images (RFC 3339). Give the commit's time
	// (git log -1 --format=%cI): a rerun of the same commit then builds the same images and
	// changes nothing. Defaults to now.
	// +optional
	buildTime string,
	// Platforms to build; several make multi-arch images.
	// +optional
	platforms []dagger.Platform,
	// Severities that fail the image scan (comma list).
	// +default="HIGH,CRITICAL"
	severity string,
	// Let vulnerabilities without a fixed version through the image scan.
	// +optional
	ignoreUnfixed bool,
	// Registry host and optional namespace for a non-ECR registry, e.g. registry.example.com/team;
	// http://host:port for one that speaks no TLS (the engine must allow HTTP to it too).
	// +optional
	registry string,
	// Registry username (with --registry-password).
	// +optional
	registryUsername string,
	// Registry password or token, e.g. env://DOCKER_REGISTRY_PASSWORD.
	// +optional
	registryPassword *dagger.Secret,
	// AWS account that owns the ECR registry (12 digits).
	// +optional
	awsAccountId string,
	// AWS region of the ECR registry, e.g. eu-west-1.
	// +optional
	awsRegion string,
	// AWS access key ID, e.g. env://AWS_ACCESS_KEY_ID.
	// +optional
	awsAccessKeyId *dagger.Secret,
	// AWS secret access key, e.g. env://AWS_SECRET_ACCESS_KEY.
	// +optional
	awsSecretAccessKey *dagger.Secret,
	// AWS session token, for temporary credentials.
	// +optional
	awsSessionToken *dagger.Secret,
	// Cosign private key (cosign.key, encrypted PEM), e.g. env://COSIGN_PRIVATE_KEY. Without it,
	// an ephemeral key pair signs this run and its public key is exported.
	// +optional
	cosignKey *dagger.Secret,
	// Password of the Cosign private key, e.g. env://COSIGN_PASSWORD.
	// +optional
	cosignPassword *dagger.Secret,
	// Also record signatures and attestations in this Rekor transparency log
	// (e.g. https://rekor.sigstore.dev). Off unless given.
	// +optional
	rekorUrl string,
	// Commit the new values to the GitOps repository (needs --git-repo-url and --git-token).
	// +optional
	gitPush bool,
	// The GitOps repository's HTTPS clone URL, without credentials.
	// +optional
	gitRepoUrl string,
	// The GitOps branch Argo CD follows.
	// +default="main"
	gitBranch string,
	// The username that goes with the git token.
	// +default="x-access-token"
	gitUsername string,
	// The git access token, e.g. env://GIT_TOKEN.
	// +optional
	gitToken *dagger.Secret,
	// Author name of the values commit.
	// +default="Taskboard CI"
	gitAuthorName string,
	// Author email of the values commit.
	// +default="ci@taskboard.invalid"
	gitAuthorEmail string,
	// The values file, relative to the repository root (and to the GitOps repository's).
	// +default="helm/app/values.yaml"
	valuesPath string,
	// PEM certificates to trust for the GitOps server besides the system's (a private CA).
	// +optional
	gitCaCertificate *dagger.File,
) (*dagger.Directory, error) {
	r := &releaseRun{
		p: p, gitSHA: gitSha, severity: severity, ignoreUnfixed: ignoreUnfixed,
		platforms: platforms,
		registry:  registryFlags{registry, registryUsername, registryPassword, awsAccountId, awsRegion, awsAccessKeyId, awsSecretAccessKey, awsSessionToken},
		cosignKey: cosignKey, cosignPassword: cosignPassword, rekorURL: rekorUrl,
		gitPush: gitPush,
		git:     gitPushFlags{gitRepoUrl, gitBranch, gitUsername, gitToken, gitAuthorName, gitAuthorEmail, valuesPath, gitCaCertificate},
		reports: dag.Directory(),
	}
	var err error
	if r.meta, err = newBuildMeta(gitSha, version, buildTime); err != nil {
		return nil, err
	}
	r.report = releasereport.Release{GitSHA: gitSha, Version: r.meta.version, Stages: summary.Summary{Title: "Release"}}
	err = r.run(ctx)
	if err == nil {
		r.report.Stages.Artifact, r.report.Stages.Reports = "release-reports", releaseReportLinks(r.platforms)
	}
	md := r.report.Markdown()
	if err != nil {
		return nil, fmt.Errorf("%s\n%w", md, err)
	}
	manifest, jerr := json.MarshalIndent(r.manifest(), "", "  ")
	if jerr != nil {
		return nil, jerr
	}
	stagesXML, jerr := junit.Marshal(junit.FromStages("release", r.report.Stages))
	if jerr != nil {
		return nil, jerr
	}
	return r.reports.
		WithNewFile("summary.md", md).
		WithNewFile("release.json", string(manifest)+"\n").
		WithNewFile(testreports.JUnitRelease, string(stagesXML)), nil
}

// releaseRun carries one release through its stages.
type releaseRun struct {
	p                         *Pipeline
	gitSHA                    string
	meta                      buildMeta
	platforms                 []dagger.Platform
	severity                  string
	ignoreUnfixed             bool
	registry                  registryFlags
	cosignKey, cosignPassword *dagger.Secret
	rekorURL                  string
	gitPush                   bool
	git                       gitPushFlags
	target                    *registryTarget
	keys                      *cosignKeys
	images                    map[string][]*dagger.Container
	refs                      map[string]string // component -> repository@sha256:...
	reports                   *dagger.Directory
	report                    releasereport.Release
}

// stage runs one step, records it in the summary and stops the release on failure.
func (r *releaseRun) stage(name string, fn func() (string, error)) error {
	st := summary.Run(name, fn)
	r.report.Stages.Stages = append(r.report.Stages.Stages, st)
	if st.Err != nil {
		return fmt.Errorf("%s: %w", name, st.Err)
	}
	return nil
}

func (r *releaseRun) run(ctx context.Context) error {
	if len(r.platforms) == 0 {
		r.platforms = []dagger.Platform{defaultPlatform}
	}
	if err := r.stage("inputs", func() (string, error) { return r.checkInputs(ctx) }); err != nil {
		return err
	}
	r.images = map[string][]*dagger.Container{}
	for _, c := range releaseplan.Components {
		if err := r.stage("build "+c.Name, func() (string, error) {
			variants, err := r.p.buildVariants(ctx, c, r.platforms, r.meta)
			r.images[c.Name] = variants
			return fmt.Sprintf("%s, %d platform(s)", c.Dockerfile, len(variants)), err
		}); err != nil {
			return err
		}
	}
	if err := r.stage("smoke", func() (string, error) {
		// The first platform's images, as docker-compose would run them.
		lines, err := runStack(ctx, r.images["backend"][0], r.images["frontend"][0])
		return fmt.Sprintf("the stack runs: %d checks passed", len(lines)), err
	}); err != nil {
		return err
	}
	for _, c := range releaseplan.Components {
		r.report.Images = append(r.report.Images, releasereport.Image{Component: c.Name, Tag: r.gitSHA, Platforms: platformNames(r.platforms)})
	}
	for i, c := range releaseplan.Components {
		if err := r.stage("scan "+c.Name, func() (string, error) { return r.scan(ctx, i, c.Name) }); err != nil {
			return err
		}
	}
	if err := r.stage("push", func() (string, error) { return r.push(ctx) }); err != nil {
		return err
	}
	if err := r.stage("sign", func() (string, error) { return r.sign(ctx) }); err != nil {
		return err
	}
	if err := r.stage("sbom", func() (string, error) { return r.attestSBOMs(ctx) }); err != nil {
		return err
	}
	var images map[string]valuesfile.Image
	if err := r.stage("values", func() (string, error) {
		var err error
		images, err = r.releaseValues()
		if err != nil {
			return "", err
		}
		file, changed, err := r.p.bumpValues(ctx, r.git.valuesPath, images)
		if err != nil {
			return "", err
		}
		r.reports = r.reports.WithFile("values.yaml", file)
		r.report.ValuesChanged = changed
		if !changed {
			return "already up to date", nil
		}
		return "tags and digests set (reports/values.yaml)", nil
	}); err != nil {
		return err
	}
	if !r.gitPush {
		r.report.GitPushNote = "--git-push not set"
		r.report.Stages.Stages = append(r.report.Stages.Stages, summary.Stage{Name: "git push", Status: summary.Skipped, Details: "--git-push not set"})
		return nil
	}
	return r.stage("git push", func() (string, error) {
		res, err := gitPushValues(ctx, r.git, r.gitSHA, images)
		if err != nil {
			return "", err
		}
		r.report.ValuesCommit = res.Commit
		if res.Commit == "" {
			r.report.ValuesChanged = false
			return "nothing to change", nil
		}
		r.report.ValuesChanged = true
		return fmt.Sprintf("commit %s on %s (%d attempt(s))", shortSHA(res.Commit), r.git.branch, res.Attempts), nil
	})
}

// checkInputs refuses bad flags before anything is built, opens the registry (ECR login or the
// throwaway registry) and loads the signing key.
func (r *releaseRun) checkInputs(ctx context.Context) (string, error) {
	if err := releaseplan.CheckGitSHA(r.gitSHA); err != nil {
		return "", err
	}
	if r.gitPush && (r.git.repoURL == "" || r.git.token == nil) {
		return "", errors.New("--git-push needs --git-repo-url and --git-token")
	}
	var err error
	if r.target, err = openRegistry(ctx, r.registry); err != nil {
		return "", err
	}
	r.report.Registry = r.target.describe()
	if r.keys, err = loadCosignKeys(ctx, r.cosignKey, r.cosignPassword, r.rekorURL); err != nil {
		return "", err
	}
	r.report.PublicKeyPEM, r.report.EphemeralKey = string(r.keys.publicKeyPEM), r.keys.ephemeral
	r.reports = r.reports.WithNewFile("cosign.pub", string(r.keys.publicKeyPEM))
	key := "given key"
	if r.keys.ephemeral {
		key = "ephemeral key"
	}
	return fmt.Sprintf("registry: %s; signing: %s", r.report.Registry, key), nil
}

func (r *releaseRun) scan(ctx context.Context, i int, component string) (string, error) {
	var details []string
	var counts []string
	for j, variant := range r.images[component] {
		res, c := r.p.scanImageStage(ctx, variant, r.severity, r.ignoreUnfixed)
		dir := scanDir(component, r.platforms, j)
		if res.reports != nil {
			r.reports = r.reports.WithDirectory(dir, res.reports)
		}
		if c != nil {
			counts = append(counts, c.String())
		}
		r.report.Stages.Severities = summary.AddSeverities(r.report.Stages.Severities, res.severities)
		r.report.Stages.SeverityScope = "trivy image, every image, gate " + r.severity
		details = append(details, res.details)
		if res.err != nil {
			return strings.Join(details, "; "), res.err
		}
	}
	r.report.Images[i].Scan = strings.Join(counts, " / ")
	return strings.Join(details, "; "), nil
}

func (r *releaseRun) push(ctx context.Context) (string, error) {
	r.refs = map[string]string{}
	var lines []string
	for i, c := range releaseplan.Components {
		ref, err := publishVariants(ctx, r.target, r.images[c.Name], r.target.repository(c.Name), r.gitSHA, r.meta.epoch)
		if err != nil {
			return strings.Join(lines, "; "), err
		}
		r.refs[c.Name] = ref
		r.report.Images[i].Reference = ref
		lines = append(lines, ref)
	}
	return strings.Join(lines, "; "), nil
}

func (r *releaseRun) sign(ctx context.Context) (string, error) {
	for i, c := range releaseplan.Components {
		ref := r.refs[c.Name]
		if _, err := signAndVerify(ctx, r.keys, r.target.auth, ref, map[string]string{"git-sha": r.gitSHA}); err != nil {
			return "", fmt.Errorf("%s: %w", c.Name, err)
		}
		r.report.Images[i].SignatureVerified = true
	}
	if r.rekorURL != "" {
		return "signed by digest and verified (.sig tags), recorded in " + r.rekorURL, nil
	}
	return "signed by digest and verified (.sig tags), no transparency log", nil
}

func (r *releaseRun) attestSBOMs(ctx context.Context) (string, error) {
	var details []string
	for i, c := range releaseplan.Components {
		// The SBOM describes the first platform's image; it is attested to the pushed digest
		// (the image index when several platforms were built).
		dir := sbomDirectory(r.images[c.Name][0])
		r.reports = r.reports.WithFile(c.Name+"/"+sbomSPDXFile, dir.File(sbomSPDXFile)).
			WithFile(c.Name+"/"+sbomCycloneDXFile, dir.File(sbomCycloneDXFile))
		ref := r.refs[c.Name]
		r.report.Images[i].SBOMPackages = map[string]int{}
		for _, f := range []struct {
			file string
			kind signing.PredicateKind
		}{{sbomSPDXFile, signing.SPDXJSON}, {sbomCycloneDXFile, signing.CycloneDX}} {
			doc, err := dir.File(f.file).Contents(ctx)
			if err != nil {
				return "", fmt.Errorf("%s: syft: %w", c.Name, err)
			}
			sum, err := sbom.Summarize([]byte(doc))
			if err != nil {
				return "", fmt.Errorf("%s: %w", c.Name, err)
			}
			if err := attestAndVerify(ctx, r.keys, r.target.auth, ref, f.kind, []byte(doc)); err != nil {
				return "", fmt.Errorf("%s: %w", c.Name, err)
			}
			r.report.Images[i].SBOMPackages[string(sum.Format)] = sum.Packages
			r.report.Images[i].Attestations = append(r.report.Images[i].Attestations, string(f.kind))
		}
		details = append(details, fmt.Sprintf("%s: %d packages", c.Name, r.report.Images[i].SBOMPackages[string(sbom.SPDX)]))
	}
	return strings.Join(details, "; ") + "; attested (.att tags) and verified", nil
}

// releaseValues are the tags and digests to record.
func (r *releaseRun) releaseValues() (map[string]valuesfile.Image, error) {
	images := map[string]valuesfile.Image{}
	for _, c := range releaseplan.Components {
		ref := r.refs[c.Name]
		at := strings.LastIndex(ref, "@")
		if at < 0 {
			return nil, fmt.Errorf("%s was not pushed by digest", c.Name)
		}
		images[c.Name] = valuesfile.Image{Tag: r.gitSHA, Digest: ref[at+1:]}
	}
	return images, nil
}

// releaseManifest is release.json: what was released, for other tools.
type releaseManifest struct {
	GitSHA       string            `json:"gitSha"`
	Version      string            `json:"version"`
	Registry     string            `json:"registry"`
	Images       map[string]string `json:"images"`
	EphemeralKey bool              `json:"ephemeralKey"`
	ValuesCommit string            `json:"valuesCommit,omitempty"`
}

func (r *releaseRun) manifest() releaseManifest {
	return releaseManifest{
		GitSHA: r.gitSHA, Version: r.meta.version, Registry: r.report.Registry, Images: r.refs,
		EphemeralKey: r.report.EphemeralKey, ValuesCommit: r.report.ValuesCommit,
	}
}

func platformNames(ps []dagger.Platform) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// releaseReportLinks names the files a finished release exports, by their path in the export
// (the main pipeline's artifact release-reports).
func releaseReportLinks(platforms []dagger.Platform) []summary.Report {
	links := []summary.Report{
		{Name: "release manifest (images by digest, SBOMs, values commit)", Path: "release.json"},
		{Name: "JUnit, release stages (Tests tab)", Path: testreports.JUnitRelease},
		{Name: "public key of the signatures", Path: "cosign.pub"},
		{Name: "helm/app/values.yaml as released", Path: "values.yaml"},
	}
	for _, c := range releaseplan.Components {
		for j := range max(len(platforms), 1) {
			dir := scanDir(c.Name, platforms, j)
			links = append(links,
				summary.Report{Name: dir + ": Trivy image scan", Path: dir + "/" + trivyImageJSON},
				summary.Report{Name: dir + ": Trivy gate verdict", Path: dir + "/" + trivyImageGate})
		}
		links = append(links,
			summary.Report{Name: c.Name + ": SBOM (SPDX)", Path: c.Name + "/" + sbomSPDXFile},
			summary.Report{Name: c.Name + ": SBOM (CycloneDX)", Path: c.Name + "/" + sbomCycloneDXFile})
	}
	return links
}

// scanDir is where the scan of a component's j-th platform goes in the export: the component's
// directory, or one per platform when several were built.
func scanDir(component string, platforms []dagger.Platform, j int) string {
	if len(platforms) <= 1 {
		return component
	}
	return component + "/" + strings.ReplaceAll(string(platforms[j]), "/", "-")
}
