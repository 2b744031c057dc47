package main

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/pipeline/signing"
)

// twoPlatforms are what the scenario releases, as EKS users on Graviton nodes need them.
var twoPlatforms = []string{"linux/amd64", "linux/arm64"}

// releaseTwoPlatforms releases linux/amd64 and linux/arm64 as a fork does (releaseToRegistry's
// setup), to a registry that outlives the call, then checks from outside the engine, with
// go-containerregistry and cosign's Go packages (ci/signing): each component is an image index
// of both platforms, the one release.json and values.yaml name; the index and each platform's
// image are signed with the fork's key, each in the fork's log; the index carries every
// attestation the cluster's policy checks, and its provenance names both images; each platform's
// image carries its own SBOMs and scan; the arm64 backend's /server is an arm64 binary.
func releaseTwoPlatforms(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	sha, err := headSHA(dir)
	if err != nil {
		return err
	}
	out := filepath.Join(e.work, "release-two-platforms")
	with, secrets, err := e.withTrustedRegistry(dir, "multiarch")
	if err != nil {
		return err
	}
	m, c, err := e.release(dir, out, secrets, with, "--git-sha", sha, "--platforms", strings.Join(twoPlatforms, ","))
	if err != nil {
		return err
	}
	e.timing("release of linux/amd64 and linux/arm64 (to a real registry)", c.took)
	pub, err := os.ReadFile(filepath.Join(out, "cosign.pub"))
	if err != nil {
		return err
	}
	values, err := os.ReadFile(filepath.Join(out, "values.yaml"))
	if err != nil {
		return err
	}
	for component, ref := range m.Images {
		if !strings.Contains(string(values), ref[strings.LastIndex(ref, "@")+1:]) {
			return fmt.Errorf("values.yaml does not pin %s's index %s", component, ref)
		}
		images, err := e.indexOf(ref, m.Platforms[component])
		if err != nil {
			return fmt.Errorf("%s: %w", component, err)
		}
		if err := e.verifyTwoPlatforms(ref, images, pub); err != nil {
			return fmt.Errorf("%s: %w", component, err)
		}
		if component == "backend" {
			if err := e.serverIsFor(images["linux/arm64"], elf.EM_AARCH64); err != nil {
				return fmt.Errorf("backend linux/arm64: %w", err)
			}
		}
		// Each platform's own reports, as docs/PIPELINE.md lists them.
		for _, p := range twoPlatforms {
			for _, f := range []string{"trivy-image.json", "sbom.spdx.json", "sbom.cyclonedx.json", "vuln.json"} {
				if _, err := os.Stat(filepath.Join(out, component, strings.ReplaceAll(p, "/", "-"), f)); err != nil {
					return fmt.Errorf("release reports: %w", err)
				}
			}
		}
	}
	summary, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil {
		return err
	}
	for component := range m.Images {
		for _, p := range m.Platforms[component] {
			if !strings.Contains(string(summary), p.Image) {
				return fmt.Errorf("summary.md does not name %s's %s image %s", component, p.Platform, p.Image)
			}
		}
	}
	return nil
}

// indexOf reads the image index at ref from the registry and returns its images by platform,
// which must be both platforms, each the image release.json names.
func (e *env) indexOf(ref string, named []platformImage) (map[string]string, error) {
	d, err := name.NewDigest(ref, name.Insecure)
	if err != nil {
		return nil, err
	}
	idx, err := remote.Index(d, remote.WithTransport(e.control.Transport))
	if err != nil {
		return nil, fmt.Errorf("%s is not an image index: %w", ref, err)
	}
	manifest, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	images := map[string]string{}
	for _, desc := range manifest.Manifests {
		if desc.Platform == nil {
			return nil, fmt.Errorf("the index lists %s without a platform", desc.Digest)
		}
		img, err := idx.Image(desc.Digest)
		if err != nil {
			return nil, err
		}
		config, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		if config.Platform().String() != desc.Platform.String() {
			return nil, fmt.Errorf("the index lists %s as %s, its config says %s", desc.Digest, desc.Platform, config.Platform())
		}
		// linux/arm64/v8 is linux/arm64, as release.json spells it.
		images[strings.TrimSuffix(desc.Platform.String(), "/v8")] = d.Context().Digest(desc.Digest.String()).String()
	}
	if len(images) != len(twoPlatforms) || images["linux/amd64"] == "" || images["linux/arm64"] == "" {
		return nil, fmt.Errorf("the index lists %v, want linux/amd64 and linux/arm64", images)
	}
	if len(named) != len(twoPlatforms) {
		return nil, fmt.Errorf("release.json names %d platform images, want %d", len(named), len(twoPlatforms))
	}
	for _, p := range named {
		if !sameDigest(images[p.Platform], p.Image) || !p.Signed {
			return nil, fmt.Errorf("release.json names %s as %s (signed %v), the index %s", p.Platform, p.Image, p.Signed, images[p.Platform])
		}
	}
	return images, nil
}

// verifyTwoPlatforms checks, with the fork's key and its log, what the release signed and
// attested: the index (what values.yaml pins and the cluster's policy verifies) with every
// attestation and a provenance naming both images, and each platform's image with its signature,
// SBOMs and scan.
func (e *env) verifyTwoPlatforms(index string, images map[string]string, pub []byte) error {
	inLog := signing.InTransparencyLog(e.rekorKey)
	if err := e.verify(index, pub, releaseKinds, inLog); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	reg := signing.Registry{Insecure: true, Transport: e.control.Transport}
	statements, err := signing.VerifyAttestations(context.Background(), index, reg, pub, signing.SLSAProvenance1, inLog)
	if err != nil {
		return err
	}
	for platform, ref := range images {
		if !namesSubject(statements, ref) {
			return fmt.Errorf("the index's provenance does not name the %s image %s", platform, ref)
		}
		if err := e.verify(ref, pub, append(append([]signing.PredicateKind(nil), sbomKinds...), signing.Vuln), inLog); err != nil {
			return fmt.Errorf("%s: %w", platform, err)
		}
	}
	return nil
}

// namesSubject says whether one of the statements has the image's digest among its subjects.
func namesSubject(statements []signing.Statement, ref string) bool {
	hex := ref[strings.LastIndex(ref, ":")+1:]
	for _, st := range statements {
		for _, s := range st.Subject {
			if s.Digest["sha256"] == hex {
				return true
			}
		}
	}
	return false
}

func sameDigest(a, b string) bool {
	return a != "" && a[strings.LastIndex(a, "@")+1:] == b[strings.LastIndex(b, "@")+1:]
}

// serverIsFor reads the image's /server (the backend's binary) from its layers and checks the
// machine it was compiled for: the build stage ran on the engine's platform and Go
// cross-compiled.
func (e *env) serverIsFor(ref string, machine elf.Machine) error {
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		return err
	}
	img, err := remote.Image(r, remote.WithTransport(e.control.Transport))
	if err != nil {
		return err
	}
	data, err := fileOf(img, "server")
	if err != nil {
		return err
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("/server: %w", err)
	}
	if f.Machine != machine {
		return fmt.Errorf("/server is built for %s, want %s", f.Machine, machine)
	}
	return nil
}

// fileOf is a file of the image, from the topmost layer that has it.
func fileOf(img v1.Image, path string) ([]byte, error) {
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	for i := len(layers) - 1; i >= 0; i-- {
		rc, err := layers[i].Uncompressed()
		if err != nil {
			return nil, err
		}
		tr := tar.NewReader(rc)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rc.Close()
				return nil, err
			}
			if strings.TrimPrefix(hdr.Name, "./") == path && hdr.Typeflag == tar.TypeReg {
				data, err := io.ReadAll(tr)
				rc.Close()
				return data, err
			}
		}
		rc.Close()
	}
	return nil, fmt.Errorf("no /%s in the image", path)
}
