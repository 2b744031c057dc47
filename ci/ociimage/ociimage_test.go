package ociimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

var (
	epoch    = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	baseTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

// layerOf is a gzip layer holding files, each modified at mtime.
func layerOf(t *testing.T, mtime time.Time, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, path := range []string{"etc/app.conf", "server", "base.txt"} {
		content, ok := files[path]
		if !ok {
			continue
		}
		hdr := &tar.Header{Name: path, Mode: 0o644, Size: int64(len(content)), ModTime: mtime,
			AccessTime: mtime.Add(time.Minute), Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, content)
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// build is what the engine makes of one commit at builtAt: a base layer from long ago, and a
// layer of ours stamped with the moment of the build.
func build(t *testing.T, builtAt time.Time) v1.Image {
	t.Helper()
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.Append(img,
		mutate.Addendum{Layer: layerOf(t, baseTime, map[string]string{"base.txt": "base"}), History: v1.History{Created: v1.Time{Time: builtAt}, CreatedBy: "import image layer"}},
		mutate.Addendum{Layer: layerOf(t, builtAt, map[string]string{"server": "binary", "etc/app.conf": "conf"}), History: v1.History{Created: v1.Time{Time: builtAt}, CreatedBy: "COPY"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	config, _ := img.ConfigFile()
	config = config.DeepCopy()
	config.Created = v1.Time{Time: builtAt}
	config.Architecture, config.OS = "amd64", "linux"
	config.Config.Entrypoint = []string{"/server"}
	if img, err = mutate.ConfigFile(img, config); err != nil {
		t.Fatal(err)
	}
	return mutate.Annotations(img, map[string]string{"org.opencontainers.image.revision": "abc1234"}).(v1.Image)
}

func digestOf(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestClampGivesTwoBuildsOfOneCommitOneDigest(t *testing.T) {
	first, second := build(t, epoch.Add(time.Hour)), build(t, epoch.Add(26*time.Hour))
	if digestOf(t, first) == digestOf(t, second) {
		t.Fatal("the two builds are equal before clamping: the test proves nothing")
	}
	a, err := Clamp(first, epoch)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Clamp(second, epoch)
	if err != nil {
		t.Fatal(err)
	}
	if digestOf(t, a) != digestOf(t, b) {
		t.Fatalf("clamped builds differ: %s != %s", digestOf(t, a), digestOf(t, b))
	}
	config, _ := a.ConfigFile()
	if !config.Created.Time.Equal(epoch) || !config.History[1].Created.Time.Equal(epoch) {
		t.Fatalf("config times not clamped: created %s, history %v", config.Created, config.History)
	}
	if strings.Join(config.Config.Entrypoint, " ") != "/server" || config.OS != "linux" {
		t.Fatalf("the config lost its settings: %+v", config)
	}
	manifest, _ := a.Manifest()
	if manifest.Annotations["org.opencontainers.image.revision"] != "abc1234" || manifest.MediaType != types.OCIManifestSchema1 {
		t.Fatalf("manifest lost its annotations or media type: %+v", manifest)
	}
	if err := checkDiffIDs(a); err != nil {
		t.Fatal(err)
	}
}

func TestClampKeepsOlderLayersByteForByte(t *testing.T) {
	img := build(t, epoch.Add(time.Hour))
	clamped, err := Clamp(img, epoch)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := img.Layers()
	after, _ := clamped.Layers()
	b0, _ := before[0].Digest()
	a0, _ := after[0].Digest()
	if a0 != b0 {
		t.Fatalf("the base layer was rewritten: %s -> %s", b0, a0)
	}
	b1, _ := before[1].Digest()
	a1, _ := after[1].Digest()
	if a1 == b1 {
		t.Fatal("the layer of the build kept its later times")
	}
	rc, _ := after[1].Uncompressed()
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !hdr.ModTime.Equal(epoch) || !hdr.AccessTime.IsZero() {
			t.Fatalf("%s: mtime %s, atime %s", hdr.Name, hdr.ModTime, hdr.AccessTime)
		}
		if content, _ := io.ReadAll(tr); hdr.Name == "server" && string(content) != "binary" {
			t.Fatalf("server holds %q", content)
		}
	}
}

// checkDiffIDs holds the config's rootfs to the layers' content, as a registry client does.
func checkDiffIDs(img v1.Image) error {
	config, _ := img.ConfigFile()
	layers, _ := img.Layers()
	for i, l := range layers {
		d, err := l.DiffID()
		if err != nil {
			return err
		}
		if config.RootFS.DiffIDs[i] != d {
			return fmt.Errorf("rootfs diff_id %d is %s, the layer's %s", i+1, config.RootFS.DiffIDs[i], d)
		}
	}
	return nil
}

// archive writes images as an OCI layout, one index holding them, and tars it as the engine does.
func archive(t *testing.T, images ...v1.Image) string {
	t.Helper()
	dir := t.TempDir()
	index, err := Index(images)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := layout.Write(dir, mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: index})); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "image.tar")
	f, _ := os.Create(path)
	tw := tar.NewWriter(f)
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(dir, p)
		if rel == "." || err != nil {
			return err
		}
		hdr, _ := tar.FileInfoHeader(info, "")
		hdr.Name = filepath.ToSlash(rel)
		tw.WriteHeader(hdr)
		if !info.IsDir() {
			data, _ := os.ReadFile(p)
			tw.Write(data)
		}
		return nil
	})
	tw.Close()
	f.Close()
	return path
}

func TestReadTarballFindsTheImagesThroughIndexes(t *testing.T) {
	img := build(t, epoch)
	images, err := ReadTarball(archive(t, img), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(images) != 1 || digestOf(t, images[0]) != digestOf(t, img) {
		t.Fatalf("got %d images, want the one written (%s)", len(images), digestOf(t, img))
	}
}

func TestReadTarballRefusesEntriesOutsideItsFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "evil.tar")
	f, _ := os.Create(path)
	tw := tar.NewWriter(f)
	tw.WriteHeader(&tar.Header{Name: "../escaped", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	f.Close()
	if _, err := ReadTarball(path, t.TempDir()); err == nil || !strings.Contains(err.Error(), "leaves the archive") {
		t.Fatalf("want a refusal, got %v", err)
	}
}

func TestPushWritesAnImageOrAnIndexByDigest(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	amd := build(t, epoch)
	arm, err := mutate.ConfigFile(amd, func() *v1.ConfigFile {
		c, _ := amd.ConfigFile()
		c = c.DeepCopy()
		c.Architecture = "arm64"
		return c
	}())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		images []v1.Image
		index  bool
	}{{"one platform", []v1.Image{amd}, false}, {"two platforms", []v1.Image{amd, arm}, true}} {
		t.Run(tc.name, func(t *testing.T) {
			tag, _ := name.NewTag(host + "/app:abc1234")
			pushed, err := Push(tag, tc.images)
			if err != nil {
				t.Fatal(err)
			}
			desc, err := remote.Get(tag)
			if err != nil {
				t.Fatal(err)
			}
			if desc.Digest != pushed.Digest || desc.MediaType.IsIndex() != tc.index || pushed.Index() != tc.index {
				t.Fatalf("the tag names %s (%s), Push said %+v", desc.Digest, desc.MediaType, pushed)
			}
			if len(pushed.Manifests) != len(tc.images) {
				t.Fatalf("Push named %d platforms' images, want %d", len(pushed.Manifests), len(tc.images))
			}
			for i, img := range tc.images {
				if m := pushed.Manifests[i]; m.Digest != digestOf(t, img) {
					t.Fatalf("manifest %d (%s) is %s, the image %s", i, m.Platform, m.Digest, digestOf(t, img))
				}
			}
			if !tc.index && pushed.Manifests[0].Digest != pushed.Digest {
				t.Fatalf("one platform: its image is what the tag names, got %+v", pushed)
			}
			if tc.index {
				idx, _ := desc.ImageIndex()
				m, _ := idx.IndexManifest()
				if len(m.Manifests) != 2 || m.Manifests[1].Platform.Architecture != "arm64" {
					t.Fatalf("index: %+v", m.Manifests)
				}
				for i, want := range []string{"linux/amd64", "linux/arm64"} {
					got := pushed.Manifests[i]
					if got.Platform != want || m.Manifests[i].Digest != got.Digest {
						t.Fatalf("manifest %d: Push said %+v, the index lists %s", i, got, m.Manifests[i].Digest)
					}
					// Each platform's image is in the registry by its own digest: it can be signed.
					if _, err := remote.Get(tag.Context().Digest(got.Digest.String())); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
	none, _ := name.NewTag(host + "/app:nothing")
	if _, err := Push(none, nil); err == nil {
		t.Fatal("pushing nothing passed")
	}
	if _, err := Push(none, []v1.Image{amd, amd}); err == nil || !strings.Contains(err.Error(), "two images for linux/amd64") {
		t.Fatalf("two images of one platform: %v", err)
	}
}
