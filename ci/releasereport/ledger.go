package releasereport

import (
	"fmt"
	"strings"

	"dagger/pipeline/valuesfile"
)

// Begin lists the images the release makes, one per component, before any is pushed.
func (r *Release) Begin(components []string, tag string, platforms []string) {
	for _, c := range components {
		r.Images = append(r.Images, Image{Component: c, Tag: tag, Platforms: platforms})
	}
}

// Image is a component's record (nil for an unknown component).
func (r *Release) Image(component string) *Image {
	for i := range r.Images {
		if r.Images[i].Component == component {
			return &r.Images[i]
		}
	}
	return nil
}

// Attested records a verified attestation and, for an SBOM, its package count per format.
func (img *Image) Attested(kind, sbomFormat string, packages int) {
	attested(&img.Attestations, &img.SBOMPackages, kind, sbomFormat, packages)
}

// Attested records a verified attestation of a platform's image.
func (p *PlatformImage) Attested(kind, sbomFormat string, packages int) {
	attested(&p.Attestations, &p.SBOMPackages, kind, sbomFormat, packages)
}

func attested(kinds *[]string, counts *map[string]int, kind, sbomFormat string, packages int) {
	*kinds = append(*kinds, kind)
	if sbomFormat != "" {
		if *counts == nil {
			*counts = map[string]int{}
		}
		(*counts)[sbomFormat] = packages
	}
}

// PlatformImage is the record of a platform's image under the component's index (nil for none).
func (img *Image) PlatformImage(platform string) *PlatformImage {
	for i := range img.PlatformImages {
		if img.PlatformImages[i].Platform == platform {
			return &img.PlatformImages[i]
		}
	}
	return nil
}

// Signed are the references a release signs for the image: what the tag names, then each
// platform's image under it.
func (img *Image) Signed() []string {
	refs := []string{img.Reference}
	for _, p := range img.PlatformImages {
		refs = append(refs, p.Reference)
	}
	return refs
}

// SignatureVerifiedOn records the verified signature of what the tag names or of an image under it.
func (img *Image) SignatureVerifiedOn(ref string) {
	if ref == img.Reference {
		img.SignatureVerified = true
	}
	for i := range img.PlatformImages {
		if img.PlatformImages[i].Reference == ref {
			img.PlatformImages[i].SignatureVerified = true
		}
	}
}

// Values are the tags and digests the release records in values.yaml, keyed by component.
func (r Release) Values() (map[string]valuesfile.Image, error) {
	images := map[string]valuesfile.Image{}
	for _, img := range r.Images {
		at := strings.LastIndex(img.Reference, "@")
		if at < 0 {
			return nil, fmt.Errorf("%s was not pushed by digest", img.Component)
		}
		images[img.Component] = valuesfile.Image{Tag: img.Tag, Digest: img.Reference[at+1:]}
	}
	return images, nil
}

// References lists the pushed images, for the push stage's row: under an image index, each
// platform's image by its digest too.
func (r Release) References() string {
	refs := make([]string, len(r.Images))
	for i, img := range r.Images {
		refs[i] = img.Reference
		if len(img.PlatformImages) > 0 {
			var under []string
			for _, p := range img.PlatformImages {
				under = append(under, p.Platform+" "+p.Reference[strings.LastIndex(p.Reference, "@")+1:])
			}
			refs[i] += " (" + strings.Join(under, ", ") + ")"
		}
	}
	return strings.Join(refs, "; ")
}

// SignedDetails is the sign stage's row.
func SignedDetails(rekorURL string) string {
	if rekorURL != "" {
		return "signed by digest and verified (.sig tags), recorded in " + rekorURL
	}
	return "signed by digest and verified (.sig tags), no transparency log"
}

// ShortSHA is a commit hash as the summary shows it.
func ShortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// Inputs records where the images go and the key that signs them, and is the inputs stage's row.
func (r *Release) Inputs(registry string, publicKeyPEM []byte, ephemeral bool) string {
	r.Registry, r.PublicKeyPEM, r.EphemeralKey = registry, string(publicKeyPEM), ephemeral
	key := "given key"
	if ephemeral {
		key = "ephemeral key"
	}
	return fmt.Sprintf("registry: %s; signing: %s", registry, key)
}
