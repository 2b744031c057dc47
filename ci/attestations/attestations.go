// Package attestations makes the documents a release attests on an image, each with the cosign
// type it is attested as and the file it is exported to: the SBOMs, the SLSA provenance, the
// vulnerability scan and the OpenVEX of the accepted exceptions.
package attestations

import (
	"fmt"
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

// SupplyChain is what the provenance, scan and VEX of one pushed image are made from.
type SupplyChain struct {
	Reference string           // the image by digest
	Build     provenance.Build // FinishedOn: when the image was pushed
	Scan      vulnpredicate.Scan
	Ignores   *trivyreport.IgnoreConfig
	Author    string // who accepted the exceptions
	Now       time.Time
}

// Provenance, vulnerability scan and OpenVEX of the image, in that order.
func (s SupplyChain) Documents() ([]Attestation, error) {
	prov, err := provenance.Predicate(s.Build)
	if err != nil {
		return nil, err
	}
	vuln, err := vulnpredicate.Predicate(s.Scan)
	if err != nil {
		return nil, err
	}
	purl, err := vex.ImagePURL(s.Reference)
	if err != nil {
		return nil, err
	}
	doc, err := vex.FromIgnores(s.Ignores, vex.Options{Products: []string{purl}, Author: s.Author, Now: s.Now})
	if err != nil {
		return nil, err
	}
	vexJSON, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	return []Attestation{
		{File: releasereport.Provenance, Kind: signing.SLSAProvenance1, Doc: prov},
		{File: releasereport.Vuln, Kind: signing.Vuln, Doc: vuln},
		{File: releasereport.OpenVEX, Kind: signing.OpenVEX, Doc: vexJSON},
	}, nil
}
