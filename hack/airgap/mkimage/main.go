// Command mkimage builds and pushes the stand-in images of hack/airgap: OCI images made from
// plain directories, one platform each (linux/amd64 unless -platform), or an image index of
// several, for Dagger engines that cannot reach the public registries.
//
//	mkimage build -out LAYOUT_DIR -conf image.conf [-ref NAME] [-platform OS/ARCH] ROOTFS_DIR...
//	mkimage index -out LAYOUT_DIR [-ref NAME] LAYOUT_DIR...
//	mkimage push [-insecure] LAYOUT_DIR REF
//	mkimage inspect LAYOUT_DIR
//
// build turns each ROOTFS_DIR into one layer, in order, and writes an OCI image layout holding
// that one image; it prints the manifest digest. index writes a layout holding one image index
// of the images of the given layouts (each built by build, each its own platform), as a
// multi-platform image is published; it prints the index's digest. Layers are deterministic: entries sorted by
// name, every mtime set to SOURCE_DATE_EPOCH (0 if unset), and each file's real uid/gid and mode
// kept (recipes chown what a non-root user must own), with symlinks and hard links preserved.
// image.conf is JSON, see imageConf. push copies the layout's image, or image index with its
// images, to a registry. inspect prints the image's config (each platform's, for an index), to
// check what a recipe produced.
package main

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// defaultPath is the PATH an image gets when image.conf sets none, the one Docker and the
// official images use.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// imageConf is the image.conf a recipe writes: the parts of the OCI image config the stand-ins
// need. Unknown fields are an error, so that a typo does not silently drop a setting.
type imageConf struct {
	Entrypoint   []string          `json:"entrypoint"`
	Cmd          []string          `json:"cmd"`
	User         string            `json:"user"`
	Env          []string          `json:"env"`
	Workdir      string            `json:"workdir"`
	ExposedPorts []string          `json:"exposedPorts"`
	Volumes      []string          `json:"volumes"`
	StopSignal   string            `json:"stopSignal"`
	Labels       map[string]string `json:"labels"`
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = runBuild(os.Args[2:])
	case "index":
		err = runIndex(os.Args[2:])
	case "push":
		err = runPush(os.Args[2:])
	case "inspect":
		err = runInspect(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  mkimage build -out LAYOUT_DIR -conf image.conf [-ref NAME] [-platform OS/ARCH] ROOTFS_DIR...
  mkimage index -out LAYOUT_DIR [-ref NAME] LAYOUT_DIR...
  mkimage push [-insecure] LAYOUT_DIR REF
  mkimage inspect LAYOUT_DIR`)
	os.Exit(2)
}

func runBuild(args []string) error {
	flags := flag.NewFlagSet("build", flag.ExitOnError)
	out := flags.String("out", "", "OCI layout directory to (re)create")
	confPath := flags.String("conf", "", "image.conf (JSON)")
	ref := flags.String("ref", "", "org.opencontainers.image.ref.name annotation of the image in index.json")
	platformFlag := flags.String("platform", "linux/amd64", "the image's platform: os/arch[/variant]")
	_ = flags.Parse(args)
	if *out == "" || *confPath == "" || flags.NArg() == 0 {
		return errors.New("build needs -out, -conf and at least one ROOTFS_DIR")
	}
	platform, err := v1.ParsePlatform(*platformFlag)
	if err != nil || platform.OS == "" || platform.Architecture == "" {
		return fmt.Errorf("-platform %q is not os/arch[/variant]", *platformFlag)
	}
	conf, err := readConf(*confPath)
	if err != nil {
		return err
	}
	created, err := sourceDateEpoch()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "mkimage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// OCI media types throughout (go-containerregistry's empty image defaults to Docker's).
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	for i, dir := range flags.Args() {
		tarPath := filepath.Join(tmp, fmt.Sprintf("layer%d.tar", i))
		if err := writeLayerTar(dir, tarPath, created); err != nil {
			return fmt.Errorf("layer %s: %w", dir, err)
		}
		layer, err := tarball.LayerFromFile(tarPath, tarball.WithMediaType(types.OCILayer))
		if err != nil {
			return err
		}
		img, err = mutate.Append(img, mutate.Addendum{
			Layer: layer,
			History: v1.History{
				Created:   v1.Time{Time: created},
				CreatedBy: "hack/airgap mkimage: " + filepath.Base(dir),
				Comment:   "taskboard air-gap stand-in",
			},
		})
		if err != nil {
			return err
		}
	}
	img, err = applyConf(img, conf, created, *platform)
	if err != nil {
		return err
	}
	digest, err := writeLayout(*out, img, *ref, *platform)
	if err != nil {
		return err
	}
	fmt.Println(digest)
	return nil
}

func readConf(path string) (imageConf, error) {
	var c imageConf
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// sourceDateEpoch is the time stamped on every file, layer and the image: SOURCE_DATE_EPOCH if
// set (the reproducible-builds convention), else the Unix epoch.
func sourceDateEpoch() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: %w", s, err)
	}
	return time.Unix(n, 0).UTC(), nil
}

func applyConf(img v1.Image, c imageConf, created time.Time, platform v1.Platform) (v1.Image, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = platform.OS, platform.Architecture, platform.Variant
	cf.Created = v1.Time{Time: created}
	cfg := &cf.Config
	cfg.Entrypoint = c.Entrypoint
	cfg.Cmd = c.Cmd
	cfg.User = c.User
	cfg.WorkingDir = c.Workdir
	cfg.StopSignal = c.StopSignal
	cfg.Labels = c.Labels
	cfg.Env = c.Env
	hasPath := false
	for _, e := range c.Env {
		if !strings.Contains(e, "=") {
			return nil, fmt.Errorf("env %q is not NAME=VALUE", e)
		}
		hasPath = hasPath || strings.HasPrefix(e, "PATH=")
	}
	if !hasPath {
		cfg.Env = append([]string{defaultPath}, cfg.Env...)
	}
	if len(c.ExposedPorts) > 0 {
		cfg.ExposedPorts = map[string]struct{}{}
		for _, p := range c.ExposedPorts {
			if !strings.Contains(p, "/") {
				p += "/tcp"
			}
			cfg.ExposedPorts[p] = struct{}{}
		}
	}
	if len(c.Volumes) > 0 {
		cfg.Volumes = map[string]struct{}{}
		for _, v := range c.Volumes {
			cfg.Volumes[v] = struct{}{}
		}
	}
	return mutate.ConfigFile(img, cf)
}

// writeLayerTar writes the tree under root as an uncompressed layer tar at path: names relative
// to root, sorted, directories with a trailing slash, owners and modes as on disk, user and
// group names left empty (the image's /etc/passwd decides), hard links as links to the first
// name seen.
func writeLayerTar(root, path string, mtime time.Time) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	type inode struct{ dev, ino uint64 }
	seen := map[inode]string{}
	walkErr := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		var link string
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		if info.Mode()&(fs.ModeSocket|fs.ModeNamedPipe) != 0 {
			return fmt.Errorf("%s: sockets and pipes cannot go into a layer", p)
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = rel
		if info.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uname, hdr.Gname = "", ""
		hdr.ModTime, hdr.AccessTime, hdr.ChangeTime = mtime, time.Time{}, time.Time{}
		hdr.Format = tar.FormatPAX
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no stat data", p)
		}
		hdr.Uid, hdr.Gid = int(st.Uid), int(st.Gid)
		if info.Mode().IsRegular() && st.Nlink > 1 {
			key := inode{uint64(st.Dev), st.Ino}
			if first, ok := seen[key]; ok {
				hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
			} else {
				seen[key] = rel
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if walkErr != nil {
		f.Close()
		return walkErr
	}
	if err := tw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeLayout replaces dir with an OCI layout whose index.json lists img alone, and returns the
// manifest digest.
func writeLayout(dir string, img v1.Image, ref string, platform v1.Platform) (string, error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return "", err
	}
	opts := []layout.Option{layout.WithPlatform(platform)}
	if ref != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": ref}))
	}
	if err := p.AppendImage(img, opts...); err != nil {
		return "", err
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// layoutImage is the one image of an OCI layout written by build.
func layoutImage(dir string) (v1.Image, error) {
	img, idx, err := layoutEntry(dir)
	if err != nil {
		return nil, err
	}
	if idx != nil {
		return nil, fmt.Errorf("%s holds an image index, not one image", dir)
	}
	return img, nil
}

// layoutEntry is the one entry of an OCI layout written by build (an image) or index (an image
// index); the other is nil.
func layoutEntry(dir string) (v1.Image, v1.ImageIndex, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, err
	}
	if len(m.Manifests) != 1 {
		return nil, nil, fmt.Errorf("%s: index.json lists %d manifests, want 1", dir, len(m.Manifests))
	}
	if m.Manifests[0].MediaType.IsIndex() {
		child, err := idx.ImageIndex(m.Manifests[0].Digest)
		return nil, child, err
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	return img, nil, err
}

// runIndex writes a layout holding one image index of the images of the given layouts, each
// listed with the platform its config names, in the order given. Two images of one platform are
// an error.
func runIndex(args []string) error {
	flags := flag.NewFlagSet("index", flag.ExitOnError)
	out := flags.String("out", "", "OCI layout directory to (re)create")
	ref := flags.String("ref", "", "org.opencontainers.image.ref.name annotation of the index in index.json")
	_ = flags.Parse(args)
	if *out == "" || flags.NArg() < 2 {
		return errors.New("index needs -out and at least two LAYOUT_DIRs")
	}
	index, err := indexOf(flags.Args())
	if err != nil {
		return err
	}
	if err := os.RemoveAll(*out); err != nil {
		return err
	}
	p, err := layout.Write(*out, empty.Index)
	if err != nil {
		return err
	}
	var opts []layout.Option
	if *ref != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": *ref}))
	}
	if err := p.AppendIndex(index, opts...); err != nil {
		return err
	}
	d, err := index.Digest()
	if err != nil {
		return err
	}
	fmt.Println(d.String())
	return nil
}

func indexOf(dirs []string) (v1.ImageIndex, error) {
	index := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	seen := map[string]string{}
	for _, dir := range dirs {
		img, err := layoutImage(dir)
		if err != nil {
			return nil, err
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		platform := cf.Platform()
		if platform == nil || platform.OS == "" || platform.Architecture == "" {
			return nil, fmt.Errorf("%s: the image's config names no platform", dir)
		}
		if other, ok := seen[platform.String()]; ok {
			return nil, fmt.Errorf("%s and %s are both %s", other, dir, platform)
		}
		seen[platform.String()] = dir
		index = mutate.AppendManifests(index, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: platform}})
	}
	return index, nil
}

func runPush(args []string) error {
	flags := flag.NewFlagSet("push", flag.ExitOnError)
	insecure := flags.Bool("insecure", false, "allow plain HTTP (and unverified TLS) to the registry")
	_ = flags.Parse(args)
	if flags.NArg() != 2 {
		return errors.New("push needs LAYOUT_DIR and REF")
	}
	img, idx, err := layoutEntry(flags.Arg(0))
	if err != nil {
		return err
	}
	var nameOpts []name.Option
	if *insecure {
		nameOpts = append(nameOpts, name.Insecure)
	}
	ref, err := name.ParseReference(flags.Arg(1), nameOpts...)
	if err != nil {
		return err
	}
	auth := remote.WithAuthFromKeychain(authn.DefaultKeychain)
	var d v1.Hash
	if idx != nil {
		// The index and every image it lists.
		if err := remote.WriteIndex(ref, idx, auth); err != nil {
			return err
		}
		d, err = idx.Digest()
	} else {
		if err := remote.Write(ref, img, auth); err != nil {
			return err
		}
		d, err = img.Digest()
	}
	if err != nil {
		return err
	}
	fmt.Println(ref.Context().Digest(d.String()).String())
	return nil
}

func runInspect(args []string) error {
	if len(args) != 1 {
		return errors.New("inspect needs LAYOUT_DIR")
	}
	img, idx, err := layoutEntry(args[0])
	if err != nil {
		return err
	}
	var out any
	if idx == nil {
		out, err = inspectImage(img)
	} else {
		out, err = inspectIndex(idx)
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func inspectImage(img v1.Image) (map[string]any, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	sizes := make([]string, 0, len(layers))
	for _, l := range layers {
		n, err := l.Size()
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, strconv.FormatInt(n, 10))
	}
	return map[string]any{"config": cf.Config, "os": cf.OS, "architecture": cf.Architecture, "layerSizes": sizes}, nil
}

// inspectIndex is each platform's image, by its digest in the index.
func inspectIndex(idx v1.ImageIndex) (map[string]any, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var images []map[string]any
	for _, desc := range m.Manifests {
		img, err := idx.Image(desc.Digest)
		if err != nil {
			return nil, err
		}
		out, err := inspectImage(img)
		if err != nil {
			return nil, err
		}
		out["digest"], out["platform"] = desc.Digest.String(), desc.Platform.String()
		images = append(images, out)
	}
	return map[string]any{"mediaType": m.MediaType, "manifests": images}, nil
}
