// Package ociimage holds the images a release pushes: read from the engine's OCI tarball, with
// their timestamps clamped to the commit's time, and pushed by digest.
//
// Dagger v0.21's Container.Publish stamps each layer and the config with the moment the engine
// made the layer, so a rebuild of the same commit got new digests, and a second release of one
// commit recorded new images. Clamped as BuildKit's SOURCE_DATE_EPOCH with rewrite-timestamp
// does, the same commit gives the same digests on any engine.
package ociimage

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Clamp returns img with no timestamp later than epoch: the config's creation time, its
// history, and the modification times of the files in its layers. Layers with nothing later
// (the base image's) are kept byte for byte, so they stay shared with the base image.
func Clamp(img v1.Image, epoch time.Time) (v1.Image, error) {
	epoch = epoch.UTC().Truncate(time.Second)
	manifest, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	config, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	adds := make([]mutate.Addendum, 0, len(layers))
	diffIDs := make([]v1.Hash, 0, len(layers))
	for i, layer := range layers {
		clamped, err := clampLayer(layer, epoch)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		mediaType, err := clamped.MediaType()
		if err != nil {
			return nil, err
		}
		diffID, err := clamped.DiffID()
		if err != nil {
			return nil, err
		}
		adds = append(adds, mutate.Addendum{Layer: clamped, MediaType: mediaType})
		diffIDs = append(diffIDs, diffID)
	}
	out, err := mutate.Append(mutate.ConfigMediaType(mutate.MediaType(empty.Image, manifest.MediaType), manifest.Config.MediaType), adds...)
	if err != nil {
		return nil, err
	}
	config = config.DeepCopy()
	config.Created = v1.Time{Time: clampTime(config.Created.Time, epoch)}
	for i := range config.History {
		config.History[i].Created = v1.Time{Time: clampTime(config.History[i].Created.Time, epoch)}
	}
	config.RootFS.DiffIDs = diffIDs
	if out, err = mutate.ConfigFile(out, config); err != nil {
		return nil, err
	}
	if len(manifest.Annotations) > 0 {
		out = mutate.Annotations(out, manifest.Annotations).(v1.Image)
	}
	return out, nil
}

func clampTime(t, epoch time.Time) time.Time {
	if t.After(epoch) {
		return epoch
	}
	return t
}

// clampLayer rewrites a layer whose files carry a time later than epoch; others come back as
// they are.
func clampLayer(layer v1.Layer, epoch time.Time) (v1.Layer, error) {
	later, err := hasTimeAfter(layer, epoch)
	if err != nil || !later {
		return layer, err
	}
	rc, err := layer.Uncompressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	tr, tw := tar.NewReader(rc), tar.NewWriter(&buf)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		hdr.ModTime = clampTime(hdr.ModTime, epoch)
		// Access and change times say when the engine touched a file, never what it holds.
		hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
		for _, key := range []string{"mtime", "atime", "ctime"} {
			delete(hdr.PAXRecords, key)
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(gzipLayerType(layer)))
}

// gzipLayerType keeps the layer's media type family (OCI or Docker), gzip-compressed.
func gzipLayerType(layer v1.Layer) types.MediaType {
	if mt, err := layer.MediaType(); err == nil && mt == types.DockerLayer {
		return types.DockerLayer
	}
	return types.OCILayer
}

func hasTimeAfter(layer v1.Layer, epoch time.Time) (bool, error) {
	rc, err := layer.Uncompressed()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if hdr.ModTime.After(epoch) || hdr.AccessTime.After(epoch) || hdr.ChangeTime.After(epoch) {
			return true, nil
		}
	}
}
