package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/pipeline/signing"
)

// controlPost flips a switch of the serve process.
func (e *env) controlPost(path string) error {
	resp, err := e.control.Post("http://serve"+path, "", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", path, resp.Status)
	}
	return nil
}

// getJSON reads a JSON answer of the serve process.
func (e *env) getJSON(path string, out any) error {
	resp, err := e.control.Get("http://serve" + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// gitLog is the GitOps branch's commit subjects, newest first.
func (e *env) gitLog() ([]string, error) {
	var log []string
	return log, e.getJSON("/control/gitlog", &log)
}

// catalog lists the registry's repositories.
func (e *env) catalog() ([]string, error) {
	var c struct {
		Repositories []string `json:"repositories"`
	}
	return c.Repositories, e.getJSON("/v2/_catalog", &c)
}

// sbomKinds are what publish, sign and attest attach in the chain scenario; releaseKinds are
// what a release attaches to every image.
var (
	sbomKinds    = []signing.PredicateKind{signing.SPDXJSON, signing.CycloneDX}
	releaseKinds = append(sbomKinds, signing.SLSAProvenance1, signing.Vuln, signing.OpenVEX)
)

// verify checks an image's signature and its attestations of those kinds with the release's
// public key (and opts: the log's), reaching the registry through the serve process's socket.
func (e *env) verify(ref string, publicKey []byte, kinds []signing.PredicateKind, opts ...signing.VerifyOption) error {
	reg := signing.Registry{Insecure: true, Transport: e.control.Transport}
	if _, err := signing.VerifyImage(context.Background(), ref, reg, publicKey, opts...); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	for _, kind := range kinds {
		if _, err := signing.VerifyAttestations(context.Background(), ref, reg, publicKey, kind, opts...); err != nil {
			return fmt.Errorf("%s attestation: %w", kind, err)
		}
	}
	return nil
}

// configDiff names what differs between two images' configs, read from the registry: why two
// builds of one commit got different digests.
func (e *env) configDiff(a, b string) string {
	configs := make([]map[string]json.RawMessage, 2)
	for i, ref := range []string{a, b} {
		r, err := name.ParseReference(ref, name.Insecure)
		if err != nil {
			return err.Error()
		}
		img, err := remote.Image(r, remote.WithTransport(e.control.Transport))
		if err != nil {
			return err.Error()
		}
		raw, err := img.RawConfigFile()
		if err != nil {
			return err.Error()
		}
		if err := json.Unmarshal(raw, &configs[i]); err != nil {
			return err.Error()
		}
	}
	var diff []string
	for key, v := range configs[0] {
		if w := configs[1][key]; string(v) != string(w) {
			diff = append(diff, fmt.Sprintf("%s: %s != %s", key, v, w))
		}
	}
	if len(diff) == 0 {
		return "the configs are equal (the manifests differ)"
	}
	return strings.Join(diff, "; ")
}
