// Package attestations makes the documents a release attests, each with the cosign type it is
// attested as and the file it is exported to: the SBOMs, the SLSA provenance, the vulnerability
// scan and the OpenVEX of the accepted exceptions. It also decides where each one goes: a release
// of one platform attests everything on its image; a release of several pushes an image index,
// which gets what the cluster's policy checks (the SBOM, provenance, scan and VEX), while each
// platform's image under it gets its own SBOMs and scan.
package attestations

import (
	"fmt"
	"strings"
	"time"

	"dagger/pipeline/provenance"
	"dagger/pipeline/releasereport"
	"dagger/pipeline/sbom"
	"dagger/pipeline/signing"
	"dagger/pipeline/trivyreport"
	"dagger/pipeline/vex"
	"dagger/pipeline/vulnpredicate"
)

// Attestation is one document to attest.
type Attestation struct {
	File string // its name in the component's reports
	Kind signing.PredicateKind
	Doc  []byte
	// SBOM is the document's summary when it is an SBOM.
	SBOM *sbom.Summary
	// More are the statement's further subjects, after the image it is attested on: the
	// provenance of an image index names each platform's image, which the same build made.
	More []signing.Subject
}

// PlatformImage is one platform's image under a pushed image index, by its own digest.
type PlatformImage struct {
	Platform  string // os/arch, e.g. linux/arm64
	Reference string // repository@sha256:...
}

// Target is an image, or image index, and the documents attested on it.
type Target struct {
	Reference string
	// Platform is the platform of an image under an index; "" for what the tag names (the
	// index, or the image of a one-platform release).
	Platform string
	Docs     []Attestation
}

// SBOMs are Syft's SPDX and CycloneDX documents of an image, summarized; either failing to parse
// is an error (Syft wrote something else).
func SBOMs(spdx, cyclonedx []byte) ([]Attestation, error) {
	out := []Attestation{
		{File: releasereport.SBOMSPDX, Kind: signing.SPDXJSON, Doc: spdx},
		{File: releasereport.SBOMCycloneDX, Kind: signing.CycloneDX, Doc: cyclonedx},
	}
	for i := range out {
		sum, err := sbom.Summarize(out[i].Doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", out[i].File, err)
		}
		out[i].SBOM = &sum
	}
	return out, nil
}

// SBOMTargets places the SBOMs of each built platform (sboms[i] of the i-th, as SBOMs returns
// them): on the image of a one-platform release (platforms empty: no index was pushed); under an
// index, each platform's image gets its own, and the index, which the cluster's policy reads,
// the first platform's.
func SBOMTargets(reference string, platforms []PlatformImage, sboms [][]Attestation) ([]Target, error) {
	if err := matching(platforms, len(sboms), "SBOMs"); err != nil {
		return nil, err
	}
	targets := []Target{{Reference: reference, Docs: sboms[0]}}
	for i, p := range platforms {
		targets = append(targets, Target{Reference: p.Reference, Platform: p.Platform, Docs: sboms[i]})
	}
	return targets, nil
}

// matching checks that there is one input per platform (one in all without an index).
func matching(platforms []PlatformImage, n int, what string) error {
	if want := max(len(platforms), 1); n != want {
		return fmt.Errorf("attestations: %d %s for %d platform(s)", n, what, want)
	}
	return nil
}

// SupplyChain is what the provenance, scans and VEX of one pushed component are made from.
type SupplyChain struct {
	Reference string // what the tag names, by digest: the image, or the image index
	// Platforms are the images under the index, in the order built; empty for one platform.
	Platforms []PlatformImage
	Build     provenance.Build // FinishedOn: when the image was pushed
	// Scans are each built platform's image scan, in the same order (one without an index).
	Scans   []vulnpredicate.Scan
	Ignores *trivyreport.IgnoreConfig
	Author  string // who accepted the exceptions
	Now     time.Time
}

// Targets are the provenance, vulnerability scan and OpenVEX of what the tag names, in that
// order, then, under an index, each platform image's own scan. The index's provenance names every
// platform's image as a further subject; its scan holds every platform's findings
// (vulnpredicate.IndexReport); its VEX covers the index and every platform's image.
func (s SupplyChain) Targets() ([]Target, error) {
	if err := matching(s.Platforms, len(s.Scans), "scans"); err != nil {
		return nil, err
	}
	prov, err := provenance.Predicate(s.Build)
	if err != nil {
		return nil, err
	}
	scan, err := s.indexScan()
	if err != nil {
		return nil, err
	}
	vuln, err := vulnpredicate.Predicate(scan)
	if err != nil {
		return nil, err
	}
	products := []string{s.Reference}
	var more []signing.Subject
	for _, p := range s.Platforms {
		products = append(products, p.Reference)
		subject, err := PlatformSubject(p)
		if err != nil {
			return nil, err
		}
		more = append(more, subject)
	}
	for i, ref := range products {
		if products[i], err = vex.ImagePURL(ref); err != nil {
			return nil, err
		}
	}
	doc, err := vex.FromIgnores(s.Ignores, vex.Options{Products: products, Author: s.Author, Now: s.Now})
	if err != nil {
		return nil, err
	}
	vexJSON, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	targets := []Target{{Reference: s.Reference, Docs: []Attestation{
		{File: releasereport.Provenance, Kind: signing.SLSAProvenance1, Doc: prov, More: more},
		{File: releasereport.Vuln, Kind: signing.Vuln, Doc: vuln},
		{File: releasereport.OpenVEX, Kind: signing.OpenVEX, Doc: vexJSON},
	}}}
	for i, p := range s.Platforms {
		own, err := vulnpredicate.Predicate(s.Scans[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Platform, err)
		}
		targets = append(targets, Target{Reference: p.Reference, Platform: p.Platform,
			Docs: []Attestation{{File: releasereport.Vuln, Kind: signing.Vuln, Doc: own}}})
	}
	return targets, nil
}

// indexScan is the scan of what the tag names: the one image's, or, for an index, every
// platform's as one report, from the first scan's start to the last one's finish.
func (s SupplyChain) indexScan() (vulnpredicate.Scan, error) {
	if len(s.Platforms) == 0 {
		return s.Scans[0], nil
	}
	names := make([]string, len(s.Platforms))
	reports := make([][]byte, len(s.Scans))
	merged := s.Scans[0]
	for i, scan := range s.Scans {
		names[i], reports[i] = s.Platforms[i].Platform, scan.Report
		if scan.StartedOn.Before(merged.StartedOn) {
			merged.StartedOn = scan.StartedOn
		}
		if scan.FinishedOn.After(merged.FinishedOn) {
			merged.FinishedOn = scan.FinishedOn
		}
	}
	var err error
	merged.Report, err = vulnpredicate.IndexReport(names, reports)
	return merged, err
}

// PlatformSubject names a platform's image in a statement about its index: its OCI purl with
// the architecture (pkg:oci/<name>@<digest>?arch=arm64&repository_url=...), by digest, and the
// whole platform as an annotation.
func PlatformSubject(p PlatformImage) (signing.Subject, error) {
	purl, err := vex.ImagePURL(p.Reference)
	if err != nil {
		return signing.Subject{}, err
	}
	parts := strings.Split(p.Platform, "/")
	if len(parts) < 2 {
		return signing.Subject{}, fmt.Errorf("attestations: platform %q is not os/arch", p.Platform)
	}
	purl = strings.Replace(purl, "?repository_url=", "?arch="+parts[1]+"&repository_url=", 1)
	_, hex, _ := strings.Cut(p.Reference, "@sha256:")
	return signing.Subject{Name: purl, Digest: map[string]string{"sha256": hex},
		Annotations: map[string]string{"platform": p.Platform}}, nil
}
