package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"dagger/pipeline/attestations"
	"dagger/pipeline/parallel"
	"dagger/pipeline/provenance"
	"dagger/pipeline/releaseplan"
	"dagger/pipeline/releasereport"
	"dagger/pipeline/toolimages"
	"dagger/pipeline/trivyreport"
	"dagger/pipeline/vulnpredicate"
)

// scanRecord is what the image scan of one platform leaves for its vulnerability attestation
// and the summary.
type scanRecord struct {
	report            []byte
	started, finished time.Time
	counts            string
}

// attestSupplyChain attaches, per image and signed with the release key, the SLSA provenance,
// the vulnerability scan and the OpenVEX of the accepted exceptions, and verifies each; under an
// index, each platform's image also gets its own scan (attestations.SupplyChain decides).
func (r *releaseRun) attestSupplyChain(ctx context.Context) (string, error) {
	build, err := r.provenanceBuild(ctx)
	if err != nil {
		return "", err
	}
	trivy, err := r.p.trivyVersion(ctx)
	if err != nil {
		return "", err
	}
	ignores, err := r.p.trivyIgnores(ctx)
	if err != nil {
		return "", err
	}
	for _, c := range releaseplan.Components {
		img := r.report.Image(c.Name)
		build.FinishedOn = time.Now()
		var scans []vulnpredicate.Scan
		for _, scan := range r.scans[c.Name] {
			scans = append(scans, vulnpredicate.Scan{Report: scan.report, Trivy: trivy, DBRepository: r.p.TrivyDB,
				StartedOn: scan.started, FinishedOn: scan.finished})
		}
		targets, err := attestations.SupplyChain{Reference: img.Reference, Platforms: r.platformImages(c.Name),
			Build: build, Scans: scans, Ignores: ignores, Author: r.p.GitAuthor, Now: time.Now(),
		}.Targets()
		if err != nil {
			return "", fmt.Errorf("%s: %w", c.Name, err)
		}
		for _, t := range targets {
			if err := r.attest(ctx, c.Name, t); err != nil {
				return "", err
			}
		}
	}
	builder, err := build.Builder()
	return fmt.Sprintf("SLSA provenance (builder %s), Trivy %s scan, OpenVEX: attested and verified", builder, trivy.Version), err
}

// attest signs each document of the target onto its image (or index), verifies it, exports it
// to the component's directory (or its platform's) and records it.
func (r *releaseRun) attest(ctx context.Context, component string, t attestations.Target) error {
	img := r.report.Image(component)
	record := img.Attested
	if t.Platform != "" {
		p := img.PlatformImage(t.Platform)
		if p == nil {
			return fmt.Errorf("%s: no %s image was pushed", component, t.Platform)
		}
		record = p.Attested
	}
	dir := releasereport.PlatformDir(component, t.Platform)
	for _, d := range t.Docs {
		r.reports = r.reports.WithNewFile(dir+"/"+d.File, string(d.Doc))
		if err := r.keys.AttestAndVerify(ctx, t.Reference, r.target.auth, d.Kind, d.Doc, d.More...); err != nil {
			return fmt.Errorf("%s: %s: %w", dir, d.Kind, err)
		}
		if d.SBOM != nil {
			record(string(d.Kind), string(d.SBOM.Format), d.SBOM.Packages)
		} else {
			record(string(d.Kind), "", 0)
		}
	}
	return nil
}

// provenanceBuild is what the provenance of this release says, but its finish time.
func (r *releaseRun) provenanceBuild(ctx context.Context) (provenance.Build, error) {
	engine, err := dag.Version(ctx)
	if err != nil {
		return provenance.Build{}, err
	}
	images, err := resolvedImages(ctx)
	if err != nil {
		return provenance.Build{}, err
	}
	invocation := r.p.Invocation
	if invocation == "" {
		invocation = provenance.NewInvocationID()
	}
	return provenance.Build{
		Repository: r.p.SourceRepository, Commit: r.gitSHA, Version: r.meta.Version,
		Platforms: platformNames(r.platforms), Engine: engine, BuilderID: r.p.BuilderID,
		Invocation: invocation, StartedOn: r.started, Images: images,
	}, nil
}

// resolvedImages are the base and tool images of the release by digest, as this engine resolved
// them (asked for all at once: each is a round trip to the engine).
func resolvedImages(ctx context.Context) ([]provenance.Image, error) {
	return parallel.Map(toolimages.Pinned, 0, func(ref string) (provenance.Image, error) {
		resolved, err := dag.Container().From(ref).ImageRef(ctx)
		if err != nil {
			return provenance.Image{}, fmt.Errorf("resolve %s: %w", ref, err)
		}
		_, digest, _ := strings.Cut(resolved, "@")
		return provenance.Image{Ref: ref, Digest: digest}, nil
	})
}

// trivyVersion is `trivy version` with the scans' cache: the scanner's version and the DB's.
func (p *Pipeline) trivyVersion(ctx context.Context) (vulnpredicate.VersionInfo, error) {
	out, err := trivyContainer().
		WithDirectory(trivyCachePath, p.trivyCache()).
		WithExec(trivyreport.VersionArgs(trivyCachePath)).
		Stdout(ctx)
	if err != nil {
		return vulnpredicate.VersionInfo{}, fmt.Errorf("trivy version: %w", err)
	}
	return vulnpredicate.ParseVersion([]byte(out))
}
