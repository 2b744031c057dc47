package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"dagger/pipeline/attestations"
	"dagger/pipeline/cosignkeys"
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/provenance"
	"dagger/pipeline/releaseplan"
	"dagger/pipeline/releasereport"
	"dagger/pipeline/summary"
	"dagger/pipeline/valuesfile"
)

// Release is what main runs, in order, stopping at the first failure: build the backend and
// frontend images, run them together with PostgreSQL (as smoke-test does), scan them with Trivy
// (with-scan-policy's severities fail before anything is pushed), push them, sign them by digest
// with Cosign and verify the signatures, attach their SPDX and CycloneDX SBOMs as signed
// attestations and verify those, attest each image's SLSA provenance, vulnerability scan and
// OpenVEX the same way, set the new tags and digests in the values file and, with
// --git-push, commit that to the GitOps repository of with-git-ops.
//
// With nothing configured it runs on a laptop: a throwaway registry service, an ephemeral key
// pair, no git push. Returns the reports directory: summary.md, release.json,
// junit/release.xml (one case per stage), cosign.pub, values.yaml and per component the Trivy
// report, its gate verdict, both SBOMs and the provenance, vuln and OpenVEX predicates
// (`dagger call release export --path reports`).
//
// +cache="never"
func (p *Pipeline) Release(
	ctx context.Context,
	// The git commit being released, in full (40 hex): the image tag and the provenance's
	// source. "local" (a working tree) unless given.
	// +optional
	gitSha string,
	// The version recorded in the images. Defaults to the git SHA.
	// +optional
	version string,
	// The build time recorded in the images (RFC 3339). Give the commit's time
	// (git log -1 --format=%cI): a rerun of the same commit then builds the same images and
	// changes nothing. Defaults to now.
	// +optional
	buildTime string,
	// Platforms to build; several make multi-arch images. linux/amd64 unless given.
	// +optional
	platforms []dagger.Platform,
	// Commit the new values to the GitOps repository of with-git-ops.
	// +optional
	gitPush bool,
) (*dagger.Directory, error) {
	gitSha = cmp.Or(gitSha, provenance.LocalCommit)
	r := &releaseRun{p: p, gitSHA: gitSha, platforms: platforms, gitPush: gitPush, reports: dag.Directory()}
	var err error
	if r.meta, err = releaseplan.NewMeta(gitSha, version, buildTime, time.Now()); err != nil {
		return nil, err
	}
	r.report = releasereport.Release{GitSHA: gitSha, Version: r.meta.Version, Stages: summary.Summary{Title: "Release"}}
	err = r.run(ctx)
	if err == nil {
		r.report.Stages.Artifact, r.report.Stages.Reports = "release-reports", releasereport.Links(releaseplan.ComponentNames(), platformNames(r.platforms))
	}
	if err != nil {
		return nil, fmt.Errorf("%s\n%w", r.report.Markdown(), err)
	}
	files, err := r.report.Files()
	if err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		r.reports = r.reports.WithNewFile(name, files[name])
	}
	return r.reports, nil
}

// releaseRun carries one release through its stages.
type releaseRun struct {
	p         *Pipeline
	gitSHA    string
	meta      releaseplan.Meta
	platforms []dagger.Platform
	gitPush   bool
	target    *registryTarget
	keys      *cosignkeys.Keys
	rekorURL  string // the transparency log the release records in, "" for none
	images    map[string][]*dagger.Container
	values    map[string]valuesfile.Image
	scans     map[string]scanRecord
	started   time.Time
	reports   *dagger.Directory
	report    releasereport.Release
}

// run is the release, stage by stage, stopping at the first failure.
func (r *releaseRun) run(ctx context.Context) error {
	if len(r.platforms) == 0 {
		r.platforms = []dagger.Platform{defaultPlatform}
	}
	r.images, r.scans, r.started = map[string][]*dagger.Container{}, map[string]scanRecord{}, time.Now()
	r.report.Begin(releaseplan.ComponentNames(), r.gitSHA, platformNames(r.platforms))
	tasks := []summary.Task{{Name: "inputs", Run: func() (string, error) { return r.checkInputs(ctx) }},
		{Name: "admission", Run: func() (string, error) { return r.checkAdmission(ctx) }}}
	for _, c := range releaseplan.Components {
		tasks = append(tasks, summary.Task{Name: "build " + c.Name, Run: func() (string, error) {
			variants, err := r.p.buildVariants(ctx, c, r.platforms, r.meta)
			r.images[c.Name] = variants
			return fmt.Sprintf("%s, %d platform(s)", c.Dockerfile, len(variants)), err
		}})
	}
	tasks = append(tasks, summary.Task{Name: "smoke", Run: func() (string, error) {
		// The first platform's images, as docker-compose would run them.
		lines, err := runStack(ctx, r.images["backend"][0], r.images["frontend"][0])
		return fmt.Sprintf("the stack runs: %d checks passed", len(lines)), err
	}})
	for _, c := range releaseplan.Components {
		tasks = append(tasks, summary.Task{Name: "scan " + c.Name, Run: func() (string, error) { return r.scan(ctx, c.Name) }})
	}
	tasks = append(tasks,
		summary.Task{Name: "push", Run: func() (string, error) { return r.push(ctx) }},
		summary.Task{Name: "sign", Run: func() (string, error) { return r.sign(ctx) }},
		summary.Task{Name: "sbom", Run: func() (string, error) { return r.attestSBOMs(ctx) }},
		summary.Task{Name: "attest", Run: func() (string, error) { return r.attestSupplyChain(ctx) }},
		summary.Task{Name: "values", Run: func() (string, error) { return r.bumpValues(ctx) }})
	if err := r.report.Stages.RunInOrder(tasks...); err != nil {
		return err
	}
	if !r.gitPush {
		r.report.GitPushNote = "--git-push not set"
		r.report.Stages.Skip("git push", r.report.GitPushNote)
		return nil
	}
	return r.report.Stages.RunInOrder(summary.Task{Name: "git push", Run: func() (string, error) { return r.commitValues(ctx) }})
}

// checkInputs refuses bad flags before anything is built, opens the registry (ECR login or the
// throwaway registry) and loads the signing key.
func (r *releaseRun) checkInputs(ctx context.Context) (string, error) {
	if err := releaseplan.CheckGitSHA(r.gitSHA); err != nil {
		return "", err
	}
	if err := provenance.CheckCommit(r.gitSHA); err != nil {
		return "", fmt.Errorf("--git-sha: the provenance names the full commit: %w", err)
	}
	if r.gitPush && (r.p.GitRepoURL == "" || r.p.GitToken == nil) {
		return "", errors.New("--git-push needs the GitOps repository: with-git-ops --repo-url URL --token env://GIT_TOKEN")
	}
	var err error
	if r.target, err = r.p.openRegistry(ctx, ""); err != nil {
		return "", err
	}
	if r.rekorURL, err = r.transparencyLog(ctx); err != nil {
		return "", err
	}
	if r.keys, err = r.p.loadKeys(ctx, r.rekorURL); err != nil {
		return "", err
	}
	r.reports = r.reports.WithNewFile("cosign.pub", string(r.keys.PublicKeyPEM))
	return r.report.Inputs(r.target.plan.Describe(r.target.host), r.keys.PublicKeyPEM, r.keys.Ephemeral), nil
}

func (r *releaseRun) scan(ctx context.Context, component string) (string, error) {
	var details, counts []string
	for j, variant := range r.images[component] {
		started := time.Now()
		res, c := r.p.scanImageStage(ctx, variant)
		if j == 0 && res.scanJSON != nil { // the first platform's report is attested, as its SBOM is
			r.scans[component] = scanRecord{report: res.scanJSON, started: started, finished: time.Now()}
		}
		if res.reports != nil {
			r.reports = r.reports.WithDirectory(releasereport.ScanDir(component, platformNames(r.platforms), j), res.reports)
		}
		if c != nil {
			counts = append(counts, c.String())
		}
		r.report.Stages.Severities = summary.AddSeverities(r.report.Stages.Severities, res.severities)
		r.report.Stages.SeverityScope = "trivy image, every image, gate " + r.p.Severity
		details = append(details, res.details)
		if res.err != nil {
			return strings.Join(details, "; "), res.err
		}
	}
	r.report.Image(component).Scan = strings.Join(counts, " / ")
	return strings.Join(details, "; "), nil
}

func (r *releaseRun) push(ctx context.Context) (string, error) {
	for _, c := range releaseplan.Components {
		ref, err := publishVariants(ctx, r.target, r.images[c.Name], r.target.plan.Repository(r.target.host, c.Name), r.gitSHA, r.meta.Epoch)
		if err != nil {
			return r.report.References(), err
		}
		r.report.Image(c.Name).Reference = ref
	}
	return r.report.References(), nil
}

func (r *releaseRun) sign(ctx context.Context) (string, error) {
	for _, img := range r.report.Images {
		if _, err := r.keys.SignAndVerify(ctx, img.Reference, r.target.auth, map[string]string{"git-sha": r.gitSHA}); err != nil {
			return "", fmt.Errorf("%s: %w", img.Component, err)
		}
		r.report.Image(img.Component).SignatureVerified = true
	}
	return releasereport.SignedDetails(r.rekorURL), nil
}

func (r *releaseRun) attestSBOMs(ctx context.Context) (string, error) {
	var details []string
	for _, c := range releaseplan.Components {
		// The SBOM describes the first platform's image; it is attested to the pushed digest
		// (the image index when several platforms were built).
		dir := sbomDirectory(r.images[c.Name][0])
		spdx, err := dir.File(releasereport.SBOMSPDX).Contents(ctx)
		if err != nil {
			return "", fmt.Errorf("%s: syft: %w", c.Name, err)
		}
		cyclonedx, err := dir.File(releasereport.SBOMCycloneDX).Contents(ctx)
		if err != nil {
			return "", fmt.Errorf("%s: syft: %w", c.Name, err)
		}
		docs, err := attestations.SBOMs([]byte(spdx), []byte(cyclonedx))
		if err != nil {
			return "", fmt.Errorf("%s: %w", c.Name, err)
		}
		if err := r.attest(ctx, c.Name, docs); err != nil {
			return "", err
		}
		details = append(details, fmt.Sprintf("%s: %d packages", c.Name, docs[0].SBOM.Packages))
	}
	return strings.Join(details, "; ") + "; attested (.att tags) and verified", nil
}

// bumpValues sets the pushed tags and digests in the values file of the reports.
func (r *releaseRun) bumpValues(ctx context.Context) (string, error) {
	var err error
	if r.values, err = r.report.Values(); err != nil {
		return "", err
	}
	file, changed, err := r.p.bumpValues(ctx, r.values)
	if err != nil {
		return "", err
	}
	r.reports = r.reports.WithFile("values.yaml", file)
	r.report.ValuesChanged = changed
	if !changed {
		return "already up to date", nil
	}
	return "tags and digests set (reports/values.yaml)", nil
}

// commitValues pushes the values commit to the GitOps repository.
func (r *releaseRun) commitValues(ctx context.Context) (string, error) {
	res, err := r.p.gitPushValues(ctx, r.gitSHA, r.values)
	if err != nil {
		return "", err
	}
	r.report.ValuesCommit, r.report.ValuesChanged = res.Commit, res.Commit != ""
	if res.Commit == "" {
		return "nothing to change", nil
	}
	return fmt.Sprintf("commit %s on %s (%d attempt(s))", releasereport.ShortSHA(res.Commit), r.p.GitBranch, res.Attempts), nil
}

func platformNames(ps []dagger.Platform) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}
