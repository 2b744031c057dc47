package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"dagger/pipeline/provenance"
	"dagger/pipeline/releaseplan"
	"dagger/pipeline/releasereport"
	"dagger/pipeline/signing"
	"dagger/pipeline/toolimages"
	"dagger/pipeline/vex"
	"dagger/pipeline/vulnpredicate"
)

// scanRecord is what the image scan of a component's first platform leaves for its
// vulnerability attestation.
type scanRecord struct {
	report            []byte
	started, finished time.Time
}

// attestSupplyChain attaches, per image and signed with the release key, the SLSA provenance,
// the vulnerability scan and the OpenVEX of the accepted exceptions, and verifies each.
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
	var statements int
	for _, c := range releaseplan.Components {
		img := r.report.Image(c.Name)
		purl, err := vex.ImagePURL(img.Reference)
		if err != nil {
			return "", err
		}
		doc, err := vex.FromIgnores(ignores, vex.Options{Products: []string{purl}, Author: r.p.GitAuthor, Now: time.Now()})
		if err != nil {
			return "", err
		}
		statements = len(doc.Statements)
		vexJSON, err := doc.JSON()
		if err != nil {
			return "", err
		}
		scan := r.scans[c.Name]
		vuln, err := vulnpredicate.Predicate(vulnpredicate.Scan{Report: scan.report, Trivy: trivy,
			DBRepository: r.p.TrivyDB, StartedOn: scan.started, FinishedOn: scan.finished})
		if err != nil {
			return "", fmt.Errorf("%s: %w", c.Name, err)
		}
		build.FinishedOn = time.Now()
		prov, err := provenance.Predicate(build)
		if err != nil {
			return "", err
		}
		for _, a := range []struct {
			file string
			kind signing.PredicateKind
			doc  []byte
		}{{releasereport.Provenance, signing.SLSAProvenance1, prov}, {releasereport.Vuln, signing.Vuln, vuln}, {releasereport.OpenVEX, signing.OpenVEX, vexJSON}} {
			r.reports = r.reports.WithNewFile(c.Name+"/"+a.file, string(a.doc))
			if err := r.keys.AttestAndVerify(ctx, img.Reference, r.target.auth, a.kind, a.doc); err != nil {
				return "", fmt.Errorf("%s: %w", c.Name, err)
			}
			img.Attested(string(a.kind), "", 0)
		}
	}
	return fmt.Sprintf("SLSA provenance (builder %s), Trivy %s scan, OpenVEX of %d exception(s): attested and verified",
		builderOf(build), trivy.Version, statements), nil
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
		invocation = randomURN()
	}
	return provenance.Build{
		Repository: r.p.SourceRepository, Commit: r.gitSHA, Version: r.meta.Version,
		Platforms: platformNames(r.platforms), Engine: engine, BuilderID: r.p.BuilderID,
		Invocation: invocation, StartedOn: r.started, Images: images,
	}, nil
}

// resolvedImages are the base and tool images of the release by digest, as this engine resolved
// them.
func resolvedImages(ctx context.Context) ([]provenance.Image, error) {
	var out []provenance.Image
	for _, ref := range toolimages.Pinned {
		resolved, err := dag.Container().From(ref).ImageRef(ctx)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", ref, err)
		}
		_, digest, ok := strings.Cut(resolved, "@")
		if !ok {
			return nil, fmt.Errorf("%s resolved to %s, which names no digest", ref, resolved)
		}
		out = append(out, provenance.Image{Ref: ref, Digest: digest})
	}
	return out, nil
}

// trivyVersion is `trivy version` with the scans' DB: the scanner's version and the DB's.
func (p *Pipeline) trivyVersion(ctx context.Context) (vulnpredicate.VersionInfo, error) {
	out, err := trivyContainer().
		WithDirectory(trivyCachePath, p.trivyDB()).
		WithExec([]string{"trivy", "version", "--format", "json", "--cache-dir", trivyCachePath}).
		Stdout(ctx)
	if err != nil {
		return vulnpredicate.VersionInfo{}, fmt.Errorf("trivy version: %w", err)
	}
	return vulnpredicate.ParseVersion([]byte(out))
}

func builderOf(b provenance.Build) string {
	if b.BuilderID != "" {
		return b.BuilderID
	}
	id, _ := provenance.DefaultBuilderID(b.Repository)
	return id
}

func randomURN() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
