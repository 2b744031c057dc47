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

// ScanDir is where the scan and SBOMs of a component's j-th platform go in the export: the
// component's directory, or one per platform when several were built.
func ScanDir(component string, platforms []string, j int) string {
	if len(platforms) <= 1 {
		return component
	}
	return PlatformDir(component, platforms[j])
}

// PlatformDir is the export directory of a platform's image under a component's index, e.g.
// backend/linux-arm64; "" is the component's own (what the tag names).
func PlatformDir(component, platform string) string {
	if platform == "" {
		return component
	}
	return component + "/" + strings.ReplaceAll(platform, "/", "-")
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
			if len(platforms) > 1 {
				links = append(links,
					summary.Report{Name: dir + ": SBOM (SPDX)", Path: dir + "/" + SBOMSPDX},
					summary.Report{Name: dir + ": SBOM (CycloneDX)", Path: dir + "/" + SBOMCycloneDX},
					summary.Report{Name: dir + ": vulnerability scan attestation (cosign vuln)", Path: dir + "/" + Vuln})
			}
		}
		// What the tag names: the image, or the index of several platforms, whose SBOMs are the
		// first platform's and whose scan attestation holds every platform's findings.
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
	// Platforms are, per component of a release of several platforms, the images its index
	// lists, each by its own digest with its verified signature and attestations.
	Platforms    map[string][]PlatformManifest `json:"platforms,omitempty"`
	EphemeralKey bool                          `json:"ephemeralKey"`
	ValuesCommit string                        `json:"valuesCommit,omitempty"`
}

// PlatformManifest is one platform's image in release.json.
type PlatformManifest struct {
	Platform     string   `json:"platform"`
	Image        string   `json:"image"`
	Signed       bool     `json:"signed"`
	Attestations []string `json:"attestations"`
}

// Manifest is the release's release.json.
func (r Release) Manifest() Manifest {
	images, attestations := map[string]string{}, map[string][]string{}
	var platforms map[string][]PlatformManifest
	for _, img := range r.Images {
		if img.Reference != "" {
			images[img.Component] = img.Reference
			attestations[img.Component] = img.Attestations
		}
		for _, p := range img.PlatformImages {
			if platforms == nil {
				platforms = map[string][]PlatformManifest{}
			}
			platforms[img.Component] = append(platforms[img.Component], PlatformManifest{
				Platform: p.Platform, Image: p.Reference, Signed: p.SignatureVerified, Attestations: p.Attestations})
		}
	}
	return Manifest{
		GitSHA: r.GitSHA, Version: r.Version, Registry: r.Registry, Images: images, Attestations: attestations,
		Platforms: platforms, EphemeralKey: r.EphemeralKey, ValuesCommit: r.ValuesCommit,
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
