package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/pipeline/toolimages"
)

// chainImage is an image every engine here has: the throwaway registry's own.
var chainImage = toolimages.Registry

// publishChain runs publish, sign and attest as one chain of calls: first on the throwaway
// registry (it must outlive publish for sign and attest to find the image), then on a real
// registry, where this process verifies the signature and both attestations with the chain's
// public key, so one key signed the whole chain.
func publishChain(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	spdx := filepath.Join(e.work, "chain.spdx.json")
	cdx := filepath.Join(e.work, "chain.cyclonedx.json")
	if err := os.WriteFile(spdx, []byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"chain","packages":[]}`), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(cdx, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}`), 0o644); err != nil {
		return err
	}
	chain := []string{"publish", "--image", chainImage, "--repository", "chain-demo", "--tag", "t1", "sign",
		"attest", "--predicate", spdx, "--predicate-type", "spdxjson",
		"attest", "--predicate", cdx, "--predicate-type", "cyclonedx"}

	local := e.call(dir, nil, append(chain, "ref")...)
	if local.err != nil {
		return fmt.Errorf("on the throwaway registry: %w", local.err)
	}
	if !strings.Contains(local.stdout, "/chain-demo@sha256:") {
		return fmt.Errorf("the chain returned %q, want the image by digest", local.stdout)
	}

	with, secrets := e.withRegistry("chain")
	pub := filepath.Join(e.work, "chain-cosign.pub")
	real := e.call(dir, secrets, append(append(with, chain...), "public-key", "export", "--path", pub)...)
	if real.err != nil {
		return fmt.Errorf("on a real registry: %w", real.err)
	}
	key, err := os.ReadFile(pub)
	if err != nil {
		return err
	}
	repo := strings.TrimPrefix(e.public, "http://") + "/chain/chain-demo"
	tag, err := name.NewTag(repo+":t1", name.Insecure)
	if err != nil {
		return err
	}
	desc, err := remote.Head(tag, remote.WithTransport(e.control.Transport))
	if err != nil {
		return err
	}
	return e.verify(repo+"@"+desc.Digest.String(), key, sbomKinds)
}
