// Package releasereport renders what a release did: the stage table (the summary package's, the
// same one validate prints), then one row per image with its digest, scan counts, signature,
// attestations and SBOM size, then where the new image references were recorded.
package releasereport

import (
	"fmt"
	"sort"
	"strings"

	"dagger/pipeline/summary"
)

// Image is one released image.
type Image struct {
	Component string
	// Reference is the pushed image by digest: repository@sha256:...
	Reference string
	Tag       string
	Platforms []string
	// Scan is the Trivy finding counts, e.g. "CRITICAL 0, HIGH 0, MEDIUM 3".
	Scan string
	// SignatureVerified is true once the signature was checked with the public key.
	SignatureVerified bool
	// Attestations lists the verified attestations by cosign type (spdxjson, slsaprovenance1...).
	Attestations []string
	// SBOMPackages counts packages per SBOM format.
	SBOMPackages map[string]int
	// PlatformImages are, when several platforms were built, the images the pushed image index
	// (Reference) lists, one per platform, each signed and attested on its own digest.
	PlatformImages []PlatformImage
}

// PlatformImage is one platform's image under a pushed image index.
type PlatformImage struct {
	Platform string
	// Reference is the platform's image by its own digest: repository@sha256:...
	Reference         string
	Scan              string
	SignatureVerified bool
	Attestations      []string
	SBOMPackages      map[string]int
}

// Release is the whole report.
type Release struct {
	GitSHA   string
	Version  string
	Registry string // where the images went, e.g. "ECR 1234...amazonaws.com" or "throwaway registry"
	Stages   summary.Summary
	Images   []Image
	// PublicKeyPEM verifies the signatures (ephemeral when no key was given).
	PublicKeyPEM  string
	EphemeralKey  bool
	ValuesChanged bool
	// ValuesCommit is the pushed GitOps commit; empty when not pushed.
	ValuesCommit string
	// GitPushNote says why nothing was pushed, when nothing was.
	GitPushNote string
}

// Markdown renders the report.
func (r Release) Markdown() string {
	var b strings.Builder
	b.WriteString(r.Stages.Markdown())
	fmt.Fprintf(&b, "\n### Images\n\nCommit `%s`, version `%s`, pushed to %s.\n\n", r.GitSHA, r.Version, summary.Cell(r.Registry))
	b.WriteString("| Component | Image | Platforms | Vulnerabilities | Signature | Attestations | SBOM packages |\n|---|---|---|---|---|---|---|\n")
	for _, img := range r.Images {
		platforms := strings.Join(img.Platforms, ", ")
		if len(img.PlatformImages) > 0 {
			platforms += " (image index)"
		}
		fmt.Fprintf(&b, "| %s | `%s` (tag `%s`) | %s | %s | %s | %s | %s |\n",
			summary.Cell(img.Component), summary.Cell(img.Reference), summary.Cell(img.Tag),
			summary.Cell(platforms), summary.Cell(orDash(img.Scan)), verified(img.SignatureVerified), summary.Cell(attestationsCell(img.Attestations)), packages(img.SBOMPackages))
		for _, p := range img.PlatformImages {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s |\n",
				summary.Cell(img.Component+" ("+p.Platform+")"), summary.Cell(p.Reference), summary.Cell(p.Platform),
				summary.Cell(orDash(p.Scan)), verified(p.SignatureVerified), summary.Cell(attestationsCell(p.Attestations)), packages(p.SBOMPackages))
		}
	}

	b.WriteString("\n### GitOps\n\n")
	switch {
	case r.ValuesCommit != "":
		fmt.Fprintf(&b, "helm/app/values.yaml updated in commit `%s`.\n", r.ValuesCommit)
	case !r.ValuesChanged:
		b.WriteString("helm/app/values.yaml already names these images: nothing to commit.\n")
	default:
		fmt.Fprintf(&b, "helm/app/values.yaml updated in the reports (values.yaml), not pushed: %s\n", orDash(r.GitPushNote))
	}

	if r.PublicKeyPEM != "" {
		b.WriteString("\n### Public key\n\n")
		if r.EphemeralKey {
			b.WriteString("No signing key was given: the images were signed with a key pair made for this run only.\n\n")
		}
		fmt.Fprintf(&b, "```\n%s\n```\n", strings.TrimSpace(r.PublicKeyPEM))
	}
	return b.String()
}

func verified(ok bool) string {
	if ok {
		return "✅ verified"
	}
	return "❌ not verified"
}

func attestationsCell(kinds []string) string {
	if len(kinds) == 0 {
		return "none"
	}
	return "✅ " + strings.Join(kinds, ", ")
}

func packages(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d (%s)", m[k], k)
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
