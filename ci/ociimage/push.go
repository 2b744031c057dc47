package ociimage

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Pushed is what Push wrote under the tag: one image, or an image index and the image of each
// platform it lists.
type Pushed struct {
	// Digest is what the tag names: the image, or the index of several platforms.
	Digest v1.Hash
	// Manifests are the images, one per platform, in the order they were given. For one image
	// it is that image, whose digest is Digest.
	Manifests []Manifest
}

// Manifest is one platform's image.
type Manifest struct {
	Platform string // os/arch[/variant], e.g. linux/arm64
	Digest   v1.Hash
}

// Index tells an image index from a lone image: only then are the platforms' images other
// manifests than the one the tag names.
func (p Pushed) Index() bool {
	return len(p.Manifests) > 1
}

// Push writes one image under tag, or an image index when there are several platforms, and
// returns what was pushed.
func Push(tag name.Tag, images []v1.Image, opts ...remote.Option) (Pushed, error) {
	manifests, err := manifestsOf(images)
	if err != nil {
		return Pushed{}, err
	}
	switch len(images) {
	case 0:
		return Pushed{}, fmt.Errorf("no image to push")
	case 1:
		if err := remote.Write(tag, images[0], opts...); err != nil {
			return Pushed{}, err
		}
		return Pushed{Digest: manifests[0].Digest, Manifests: manifests}, nil
	}
	index, err := Index(images)
	if err != nil {
		return Pushed{}, err
	}
	if err := remote.WriteIndex(tag, index, opts...); err != nil {
		return Pushed{}, err
	}
	digest, err := index.Digest()
	return Pushed{Digest: digest, Manifests: manifests}, err
}

// manifestsOf names each image by its platform and digest; two images of one platform are an
// error (an index could not tell them apart).
func manifestsOf(images []v1.Image) ([]Manifest, error) {
	out := make([]Manifest, 0, len(images))
	seen := map[string]bool{}
	for _, img := range images {
		config, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		digest, err := img.Digest()
		if err != nil {
			return nil, err
		}
		platform := config.Platform().String()
		if seen[platform] {
			return nil, fmt.Errorf("two images for %s", platform)
		}
		seen[platform] = true
		out = append(out, Manifest{Platform: platform, Digest: digest})
	}
	return out, nil
}

// Index is an OCI image index of images, each with the platform its config names.
func Index(images []v1.Image) (v1.ImageIndex, error) {
	index := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, img := range images {
		config, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		index = mutate.AppendManifests(index, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: config.Platform()},
		})
	}
	return index, nil
}
