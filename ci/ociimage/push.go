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

// Push writes one image under tag, or an image index when there are several platforms, and
// returns the digest that was pushed.
func Push(tag name.Tag, images []v1.Image, opts ...remote.Option) (v1.Hash, error) {
	switch len(images) {
	case 0:
		return v1.Hash{}, fmt.Errorf("no image to push")
	case 1:
		if err := remote.Write(tag, images[0], opts...); err != nil {
			return v1.Hash{}, err
		}
		return images[0].Digest()
	}
	index, err := Index(images)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.WriteIndex(tag, index, opts...); err != nil {
		return v1.Hash{}, err
	}
	return index.Digest()
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
