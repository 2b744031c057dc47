package main

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
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
