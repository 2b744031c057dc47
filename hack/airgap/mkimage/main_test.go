package main

import (
	"archive/tar"
	"bytes"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// rootfs makes a small tree with what recipes rely on: a file owned by a non-root user (when the
// test runs as root), a symlink, a hard link, a sticky directory.
func rootfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "bin", "busybox"), []byte("#!"), 0o755))
	must(os.Symlink("busybox", filepath.Join(dir, "bin", "sh")))
	must(os.Link(filepath.Join(dir, "bin", "busybox"), filepath.Join(dir, "bin", "hard")))
	must(os.Mkdir(filepath.Join(dir, "tmp"), 0o755))
	must(os.Chmod(filepath.Join(dir, "tmp"), os.ModeSticky|0o777))
	must(os.WriteFile(filepath.Join(dir, "owned"), []byte("x"), 0o640))
	if os.Geteuid() == 0 {
		must(os.Lchown(filepath.Join(dir, "owned"), 101, 102))
	}
	return dir
}

func layerEntries(t *testing.T, path string) (map[string]*tar.Header, []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]*tar.Header{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries[h.Name] = h
	}
	return entries, b
}

func TestLayerTarKeepsOwnersLinksModesAndIsDeterministic(t *testing.T) {
	dir := rootfs(t)
	mtime := time.Unix(0, 0).UTC()
	a, b := filepath.Join(t.TempDir(), "a.tar"), filepath.Join(t.TempDir(), "b.tar")
	if err := writeLayerTar(dir, a, mtime); err != nil {
		t.Fatal(err)
	}
	// Touch a file: mtimes on disk must not reach the layer.
	if err := os.Chtimes(filepath.Join(dir, "owned"), time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := writeLayerTar(dir, b, mtime); err != nil {
		t.Fatal(err)
	}
	entries, ab := layerEntries(t, a)
	_, bb := layerEntries(t, b)
	if !bytes.Equal(ab, bb) {
		t.Error("two layers of the same tree differ")
	}

	if h := entries["bin/sh"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "busybox" {
		t.Errorf("bin/sh: %+v, want a symlink to busybox", h)
	}
	hard, first := entries["bin/hard"], entries["bin/busybox"]
	if hard == nil || first == nil || hard.Typeflag != tar.TypeLink || hard.Linkname != "bin/busybox" {
		t.Errorf("bin/hard: %+v, want a hard link to bin/busybox", hard)
	}
	if first != nil && first.Mode&0o777 != 0o755 {
		t.Errorf("bin/busybox mode %o, want 755", first.Mode)
	}
	if h := entries["tmp/"]; h == nil || h.Mode&0o7777 != 0o1777 {
		t.Errorf("tmp/: %+v, want a 1777 directory", h)
	}
	h := entries["owned"]
	if h == nil || !h.ModTime.Equal(mtime) || h.Uname != "" {
		t.Fatalf("owned: %+v, want mtime %v and no user name", h, mtime)
	}
	if os.Geteuid() == 0 && (h.Uid != 101 || h.Gid != 102) {
		t.Errorf("owned: %d:%d, want the owner on disk 101:102", h.Uid, h.Gid)
	}
	if _, ok := entries["./"]; ok {
		t.Error("the layer has an entry for the root directory")
	}
}

func TestBuildWritesOneImageWithTheConf(t *testing.T) {
	dir := rootfs(t)
	confPath := filepath.Join(t.TempDir(), "image.conf")
	conf := `{"entrypoint":["/bin/sh"],"user":"65532:65532","workdir":"/tmp",
		"exposedPorts":["5000"],"env":["A=b"],"labels":{"k":"v"}}`
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "oci")
	if err := runBuild([]string{"-out", out, "-conf", confPath, "-ref", "x/y:1", dir, dir}); err != nil {
		t.Fatal(err)
	}
	img, err := layoutImage(out)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if cf.OS != "linux" || cf.Architecture != "amd64" {
		t.Errorf("platform %s/%s", cf.OS, cf.Architecture)
	}
	if len(c.Entrypoint) != 1 || c.Entrypoint[0] != "/bin/sh" || c.User != "65532:65532" || c.WorkingDir != "/tmp" {
		t.Errorf("config %+v", c)
	}
	if _, ok := c.ExposedPorts["5000/tcp"]; !ok || c.Labels["k"] != "v" {
		t.Errorf("ports %v labels %v", c.ExposedPorts, c.Labels)
	}
	if len(c.Env) != 2 || c.Env[0] != defaultPath || c.Env[1] != "A=b" {
		t.Errorf("env %v, want the default PATH then A=b", c.Env)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 2 {
		t.Errorf("%d layers (%v), want one per rootfs dir", len(layers), err)
	}
}

func TestConfRejectsUnknownFields(t *testing.T) {
	p := filepath.Join(t.TempDir(), "image.conf")
	if err := os.WriteFile(p, []byte(`{"entrypont":["/x"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readConf(p); err == nil {
		t.Error("a misspelt field was accepted")
	}
}

// A multi-platform stand-in: one image per platform (build -platform), then one layout holding
// the image index of both (index), which push writes with its images and inspect lists.
func TestIndexOfTwoPlatformsIsBuiltPushedAndInspected(t *testing.T) {
	dir := rootfs(t)
	confPath := filepath.Join(t.TempDir(), "image.conf")
	if err := os.WriteFile(confPath, []byte(`{"user":"65532"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	layouts := map[string]string{}
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		out := filepath.Join(t.TempDir(), "oci")
		if err := runBuild([]string{"-out", out, "-conf", confPath, "-ref", "x/y:1", "-platform", p, dir}); err != nil {
			t.Fatal(err)
		}
		layouts[p] = out
	}
	arm, err := layoutImage(layouts["linux/arm64"])
	if err != nil {
		t.Fatal(err)
	}
	if cf, _ := arm.ConfigFile(); cf.OS != "linux" || cf.Architecture != "arm64" {
		t.Fatalf("-platform linux/arm64 made a %s/%s image", cf.OS, cf.Architecture)
	}
	out := filepath.Join(t.TempDir(), "oci")
	if err := runIndex([]string{"-out", out, "-ref", "x/y:1", layouts["linux/amd64"], layouts["linux/arm64"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := layoutImage(out); err == nil || !strings.Contains(err.Error(), "image index") {
		t.Fatalf("an index layout read as one image: %v", err)
	}
	_, idx, err := layoutEntry(out)
	if err != nil || idx == nil {
		t.Fatalf("the layout holds no index: %v", err)
	}
	m, _ := idx.IndexManifest()
	armDigest, _ := arm.Digest()
	if len(m.Manifests) != 2 || m.Manifests[0].Platform.String() != "linux/amd64" || m.Manifests[1].Platform.String() != "linux/arm64" || m.Manifests[1].Digest != armDigest {
		t.Fatalf("index %+v", m.Manifests)
	}
	if err := runIndex([]string{"-out", filepath.Join(t.TempDir(), "oci"), layouts["linux/arm64"], layouts["linux/arm64"]}); err == nil {
		t.Fatal("an index of two arm64 images")
	}

	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/distroless/static-debian12:nonroot"
	if err := runPush([]string{out, ref}); err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag(ref)
	pulled, err := remote.Index(tag)
	if err != nil {
		t.Fatalf("the registry has no index at %s: %v", ref, err)
	}
	// What an engine pulling for linux/arm64 gets: the arm64 image.
	desc, err := remote.Get(tag, remote.WithPlatform(v1.Platform{OS: "linux", Architecture: "arm64"}))
	if err != nil {
		t.Fatal(err)
	}
	img, err := desc.Image()
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d != armDigest {
		t.Fatalf("pulled %s for linux/arm64, want %s", d, armDigest)
	}
	want, _ := idx.Digest()
	if got, _ := pulled.Digest(); got != want {
		t.Fatalf("the registry's index is %s, the layout's %s", got, want)
	}
	inspected, err := inspectIndex(idx)
	if err != nil || len(inspected["manifests"].([]map[string]any)) != 2 {
		t.Fatalf("inspect: %v %v", inspected, err)
	}
}
