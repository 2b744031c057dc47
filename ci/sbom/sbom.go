// Package sbom reads the SBOMs Syft writes (SPDX JSON and CycloneDX JSON) far enough to report
// on them: which format, and how many packages they list.
package sbom

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Format is an SBOM document format.
type Format string

const (
	SPDX      Format = "spdx-json"
	CycloneDX Format = "cyclonedx-json"
)

// Summary is what a release reports about one SBOM.
type Summary struct {
	Format Format
	// Packages counts the software packages, not the document's own subject (the image).
	Packages int
}

// Summarize detects the format of a Syft SBOM and counts its packages.
func Summarize(doc []byte) (Summary, error) {
	var probe struct {
		SPDXVersion string `json:"spdxVersion"`
		BOMFormat   string `json:"bomFormat"`
		Packages    []struct {
			SPDXID string `json:"SPDXID"`
		} `json:"packages"`
		Components []struct {
			Type string `json:"type"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &probe); err != nil {
		return Summary{}, fmt.Errorf("sbom: not JSON: %w", err)
	}
	switch {
	case strings.HasPrefix(probe.SPDXVersion, "SPDX-"):
		n := 0
		for _, p := range probe.Packages {
			// Syft describes the scanned image itself as a DocumentRoot package.
			if !strings.HasPrefix(p.SPDXID, "SPDXRef-DocumentRoot") {
				n++
			}
		}
		return Summary{Format: SPDX, Packages: n}, nil
	case probe.BOMFormat == "CycloneDX":
		n := 0
		for _, c := range probe.Components {
			// The operating system is a component of its own in CycloneDX, not a package.
			if c.Type != "operating-system" {
				n++
			}
		}
		return Summary{Format: CycloneDX, Packages: n}, nil
	}
	return Summary{}, errors.New("sbom: neither an SPDX nor a CycloneDX document")
}
