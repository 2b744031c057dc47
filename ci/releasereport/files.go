package releasereport

import (
	"encoding/json"
	"strings"

	"dagger/pipeline/junit"
	"dagger/pipeline/summary"
	"dagger/pipeline/testreports"
)

// File names of the release's exported reports, per component (or per platform: ScanDir).
const (
	TrivyImageJSON = "trivy-image.json"
	TrivyImageGate = "trivy-image-gate.md"
	SBOMSPDX       = "sbom.spdx.json"
	SBOMCycloneDX  = "sbom.cyclonedx.json"
	Provenance     = "provenance.json"
	Vuln           = "vuln.json"
	OpenVEX        = "openvex.json"
)

// ScanDir is where the scan of a component's j-th platform goes in the export: the component's
// directory, or one per platform when several were built.
func ScanDir(component string, platforms []string, j int) string {
	if len(platforms) <= 1 {
		return component
	}
	return component + "/" + strings.ReplaceAll(platforms[j], "/", "-")
}

// Links names the files a finished release exports, by their path in the export (the main
// pipeline's artifact release-reports).
func Links(components, platforms []string) []summary.Report {
	links := []summary.Report{
		{Name: "release manifest (images by digest, SBOMs, values commit)", Path: "release.json"},
		{Name: "JUnit, release stages (Tests tab)", Path: testreports.JUnitRelease},
		{Name: "public key of the signatures", Path: "cosign.pub"},
		{Name: "helm/app/values.yaml as released", Path: "values.yaml"},
	}
	for _, c := range components {
		for j := range max(len(platforms), 1) {
			dir := ScanDir(c, platforms, j)
			links = append(links,
				summary.Report{Name: dir + ": Trivy image scan", Path: dir + "/" + TrivyImageJSON},
				summary.Report{Name: dir + ": Trivy gate verdict", Path: dir + "/" + TrivyImageGate})
		}
		links = append(links,
			summary.Report{Name: c + ": SBOM (SPDX)", Path: c + "/" + SBOMSPDX},
			summary.Report{Name: c + ": SBOM (CycloneDX)", Path: c + "/" + SBOMCycloneDX},
			summary.Report{Name: c + ": SLSA provenance", Path: c + "/" + Provenance},
			summary.Report{Name: c + ": vulnerability scan attestation (cosign vuln)", Path: c + "/" + Vuln},
			summary.Report{Name: c + ": OpenVEX of the accepted exceptions", Path: c + "/" + OpenVEX})
	}
	return links
}

// Manifest is release.json: what was released, for other tools.
type Manifest struct {
	GitSHA   string            `json:"gitSha"`
	Version  string            `json:"version"`
	Registry string            `json:"registry"`
	Images   map[string]string `json:"images"`
	// Attestations are the verified attestations of each image, by cosign's type names.
	Attestations map[string][]string `json:"attestations"`
	EphemeralKey bool                `json:"ephemeralKey"`
	ValuesCommit string              `json:"valuesCommit,omitempty"`
}

// Manifest is the release's release.json.
func (r Release) Manifest() Manifest {
	images, attestations := map[string]string{}, map[string][]string{}
	for _, img := range r.Images {
		if img.Reference != "" {
			images[img.Component] = img.Reference
			attestations[img.Component] = img.Attestations
		}
	}
	return Manifest{
		GitSHA: r.GitSHA, Version: r.Version, Registry: r.Registry, Images: images, Attestations: attestations,
		EphemeralKey: r.EphemeralKey, ValuesCommit: r.ValuesCommit,
	}
}

// Files are what a finished release writes beside the tools' reports: summary.md, release.json
// and the stages' JUnit, by path in the export.
func (r Release) Files() (map[string]string, error) {
	manifest, err := json.MarshalIndent(r.Manifest(), "", "  ")
	if err != nil {
		return nil, err
	}
	stages, err := junit.Marshal(junit.FromStages("release", r.Stages))
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"summary.md":             r.Markdown(),
		"release.json":           string(manifest) + "\n",
		testreports.JUnitRelease: string(stages),
	}, nil
}
