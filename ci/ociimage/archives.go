package ociimage

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// PushArchives pushes the images of OCI archives (one per platform, as the engine exports
// them) under tag with no timestamp later than epoch, and returns what was pushed: an image, or
// an image index for several platforms, with each platform's image. work is a scratch directory
// for the unpacked archives.
func PushArchives(tag name.Tag, archives []string, work string, epoch time.Time, opts ...remote.Option) (Pushed, error) {
	var images []v1.Image
	for i, archive := range archives {
		read, err := ReadTarball(archive, filepath.Join(work, fmt.Sprintf("archive-%d", i)))
		if err != nil {
			return Pushed{}, err
		}
		for _, img := range read {
			clamped, err := Clamp(img, epoch)
			if err != nil {
				return Pushed{}, fmt.Errorf("clamp %s: %w", tag.Context(), err)
			}
			images = append(images, clamped)
		}
	}
	pushed, err := Push(tag, images, opts...)
	if err != nil {
		return Pushed{}, fmt.Errorf("push %s: %w", tag, err)
	}
	return pushed, nil
}

// TempDir is a scratch directory for PushArchives and the function that removes it.
func TempDir() (string, func(), error) {
	dir, err := os.MkdirTemp("", "publish-")
	if err != nil {
		return "", nil, err
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}
