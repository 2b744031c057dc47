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
// --git-push, commit that to the GitOps repository of with-git-ops. With several --platforms
// each image is an image index: every platform's image is scanned and gated, signed, and
// attested with its own SBOMs and scan; the index with the rest.
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
	// Platforms to build: linux/amd64, linux/arm64 or both (an image index). linux/amd64 unless
	// given. Every one builds without emulation.
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
	rekorURL  string          // the transparency log the release records in, "" for none
	native    dagger.Platform // the engine's own platform: builds run there, the smoke test too
	images    map[string][]*dagger.Container
	values    map[string]valuesfile.Image
	scans     map[string][]scanRecord // per component, one per platform built
	started   time.Time
	reports   *dagger.Directory
	report    releasereport.Release
}

// run is the release, stage by stage, stopping at the first failure.
func (r *releaseRun) run(ctx context.Context) error {
	platforms, err := releaseplan.CheckPlatforms(platformNames(r.platforms))
	if err != nil {
		return err
	}
	r.platforms = make([]dagger.Platform, len(platforms))
	for i, p := range platforms {
		r.platforms[i] = dagger.Platform(p)
	}
	r.images, r.scans, r.started = map[string][]*dagger.Container{}, map[string][]scanRecord{}, time.Now()
	r.report.Begin(releaseplan.ComponentNames(), r.gitSHA, platformNames(r.platforms))
	tasks := []summary.Task{{Name: "inputs", Run: func() (string, error) { return r.checkInputs(ctx) }},
		{Name: "admission", Run: func() (string, error) { return r.checkAdmission(ctx) }}}
	for _, c := range releaseplan.Components {
		tasks = append(tasks, summary.Task{Name: "build " + c.Name, Run: func() (string, error) {
			variants, err := r.p.buildVariants(ctx, c, r.platforms, r.meta, r.native)
			r.images[c.Name] = variants
			return fmt.Sprintf("%s, %s, built on %s", c.Dockerfile, strings.Join(platformNames(r.platforms), " and "), r.native), err
		}})
	}
	tasks = append(tasks, summary.Task{Name: "smoke", Run: func() (string, error) {
		// The images of the engine's own platform, as docker-compose would run them.
		at, native := releaseplan.SmokePlatform(platformNames(r.platforms), string(r.native))
		lines, err := runStack(ctx, r.images["backend"][at], r.images["frontend"][at])
		ran := fmt.Sprintf("the %s images run: %d checks passed", r.platforms[at], len(lines))
		if !native {
			ran += fmt.Sprintf(" (not the engine's platform, %s: emulated)", r.native)
		}
		return ran, err
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
	if r.native, err = dag.DefaultPlatform(ctx); err != nil {
		return "", fmt.Errorf("the engine's platform: %w", err)
	}
	r.reports = r.reports.WithNewFile("cosign.pub", string(r.keys.PublicKeyPEM))
	return r.report.Inputs(r.target.plan.Describe(r.target.host), r.keys.PublicKeyPEM, r.keys.Ephemeral), nil
}

// scan scans and gates every platform's image of the component, all of them even when one
// fails, and keeps each report for its attestation.
func (r *releaseRun) scan(ctx context.Context, component string) (string, error) {
	var details, counts []string
	var failed []error
	names := platformNames(r.platforms)
	for j, variant := range r.images[component] {
		started := time.Now()
		res, c := r.p.scanImageStage(ctx, variant)
		record := scanRecord{report: res.scanJSON, started: started, finished: time.Now()}
		if c != nil {
			record.counts = c.String()
			counts = append(counts, labelled(names, j, record.counts))
		}
		r.scans[component] = append(r.scans[component], record)
		if res.reports != nil {
			r.reports = r.reports.WithDirectory(releasereport.ScanDir(component, names, j), res.reports)
		}
		r.report.Stages.Severities = summary.AddSeverities(r.report.Stages.Severities, res.severities)
		r.report.Stages.SeverityScope = "trivy image, every image, gate " + r.p.Severity
		details = append(details, labelled(names, j, res.details))
		if res.err != nil && len(names) > 1 {
			res.err = fmt.Errorf("%s: %w", names[j], res.err)
		}
		failed = append(failed, res.err)
	}
	r.report.Image(component).Scan = strings.Join(counts, " / ")
	return strings.Join(details, "; "), errors.Join(failed...)
}

// labelled prefixes a platform's text with the platform when several were built.
func labelled(platforms []string, j int, text string) string {
	if len(platforms) <= 1 {
		return text
	}
	return platforms[j] + ": " + text
}

// push pushes each component (an image index for several platforms) and records what the index
// lists, each platform's image with its scan counts.
func (r *releaseRun) push(ctx context.Context) (string, error) {
	names := platformNames(r.platforms)
	for _, c := range releaseplan.Components {
		ref, manifests, err := publishVariants(ctx, r.target, r.images[c.Name], r.target.plan.Repository(r.target.host, c.Name), r.gitSHA, r.meta.Epoch)
		if err != nil {
			return r.report.References(), err
		}
		img := r.report.Image(c.Name)
		img.Reference = ref
		pushed := make([]string, len(manifests))
		for i, m := range manifests {
			pushed[i] = m.Platform
		}
		if err := releaseplan.CheckPushed(names, pushed); err != nil {
			return r.report.References(), fmt.Errorf("%s: %w", c.Name, err)
		}
		if len(manifests) > 1 {
			for j, m := range manifests {
				img.PlatformImages = append(img.PlatformImages, releasereport.PlatformImage{
					Platform: names[j], Reference: m.Reference, Scan: r.scans[c.Name][j].counts})
			}
		}
	}
	return r.report.References(), nil
}

// sign signs, by digest, what each tag names and, under an index, each platform's image.
func (r *releaseRun) sign(ctx context.Context) (string, error) {
	signed := 0
	for _, img := range r.report.Images {
		for _, ref := range img.Signed() {
			if _, err := r.keys.SignAndVerify(ctx, ref, r.target.auth, map[string]string{"git-sha": r.gitSHA}); err != nil {
				return "", fmt.Errorf("%s: %s: %w", img.Component, ref, err)
			}
			r.report.Image(img.Component).SignatureVerifiedOn(ref)
			signed++
		}
	}
	return fmt.Sprintf("%d manifests %s", signed, releasereport.SignedDetails(r.rekorURL)), nil
}

// attestSBOMs makes both SBOMs of every platform's image with Syft and attests them: on the
// image, or, under an index, on each platform's image, and the first platform's on the index.
func (r *releaseRun) attestSBOMs(ctx context.Context) (string, error) {
	var details []string
	for _, c := range releaseplan.Components {
		sboms := make([][]attestations.Attestation, len(r.images[c.Name]))
		var counts []string
		for j, variant := range r.images[c.Name] {
			dir := sbomDirectory(variant)
			spdx, err := dir.File(releasereport.SBOMSPDX).Contents(ctx)
			if err != nil {
				return "", fmt.Errorf("%s: syft: %w", c.Name, err)
			}
			cyclonedx, err := dir.File(releasereport.SBOMCycloneDX).Contents(ctx)
			if err != nil {
				return "", fmt.Errorf("%s: syft: %w", c.Name, err)
			}
			if sboms[j], err = attestations.SBOMs([]byte(spdx), []byte(cyclonedx)); err != nil {
				return "", fmt.Errorf("%s: %w", c.Name, err)
			}
			counts = append(counts, labelled(platformNames(r.platforms), j, fmt.Sprintf("%d packages", sboms[j][0].SBOM.Packages)))
		}
		img := r.report.Image(c.Name)
		targets, err := attestations.SBOMTargets(img.Reference, r.platformImages(c.Name), sboms)
		if err != nil {
			return "", err
		}
		for _, t := range targets {
			if err := r.attest(ctx, c.Name, t); err != nil {
				return "", err
			}
		}
		details = append(details, c.Name+": "+strings.Join(counts, ", "))
	}
	return strings.Join(details, "; ") + "; attested (.att tags) and verified", nil
}

// platformImages are the images under the component's index (none for one platform).
func (r *releaseRun) platformImages(component string) []attestations.PlatformImage {
	var out []attestations.PlatformImage
	for _, p := range r.report.Image(component).PlatformImages {
		out = append(out, attestations.PlatformImage{Platform: p.Platform, Reference: p.Reference})
	}
	return out
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
