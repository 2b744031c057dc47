package valuesfile

import (
	"fmt"
	"regexp"
	"sort"
)

// Image is what a release records for one component of the chart.
type Image struct {
	// Tag is the git SHA the image was built from.
	Tag string
	// Digest is the pushed manifest digest, "sha256:<64 hex>".
	Digest string
}

var (
	tagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// SetImages sets <component>.image.tag and <component>.image.digest for each component
// (e.g. "frontend", "backend"). It returns the new bytes and whether anything changed.
func SetImages(src []byte, images map[string]Image) ([]byte, bool, error) {
	components := make([]string, 0, len(images))
	for c := range images {
		components = append(components, c)
	}
	sort.Strings(components)

	var assignments []Assignment
	for _, c := range components {
		img := images[c]
		if !tagPattern.MatchString(img.Tag) {
			return src, false, fmt.Errorf("values: %q is not a valid image tag for %s", img.Tag, c)
		}
		if !digestPattern.MatchString(img.Digest) {
			return src, false, fmt.Errorf("values: %q is not a sha256 digest for %s", img.Digest, c)
		}
		assignments = append(assignments,
			Assignment{Path: c + ".image.tag", Value: img.Tag},
			Assignment{Path: c + ".image.digest", Value: img.Digest},
		)
	}
	return Set(src, assignments)
}

// Release is what a release records: both components at the tag, each with its pushed digest.
func Release(tag, backendDigest, frontendDigest string) map[string]Image {
	return map[string]Image{
		"backend":  {Tag: tag, Digest: backendDigest},
		"frontend": {Tag: tag, Digest: frontendDigest},
	}
}
