package releasereport

import (
	"strings"
	"testing"
)

func TestLedgerRecordsImagesAndTheirValues(t *testing.T) {
	var r Release
	r.Begin([]string{"backend", "frontend"}, "abc1234", []string{"linux/amd64"})
	if r.Image("nope") != nil {
		t.Fatal("an unknown component has a record")
	}
	if _, err := r.Values(); err == nil || !strings.Contains(err.Error(), "backend was not pushed by digest") {
		t.Fatalf("values before the push: %v", err)
	}
	r.Image("backend").Reference = "r.example.com/taskboard-backend@sha256:aa"
	r.Image("frontend").Reference = "r.example.com/taskboard-frontend@sha256:bb"
	r.Image("backend").Attested("spdxjson", "spdx", 42)
	r.Image("backend").Attested("slsaprovenance1", "", 0)
	values, err := r.Values()
	if err != nil {
		t.Fatal(err)
	}
	if values["frontend"].Digest != "sha256:bb" || values["backend"].Tag != "abc1234" {
		t.Fatalf("%+v", values)
	}
	b := r.Image("backend")
	if strings.Join(b.Attestations, ",") != "spdxjson,slsaprovenance1" || b.SBOMPackages["spdx"] != 42 || len(b.SBOMPackages) != 1 {
		t.Fatalf("%+v", b)
	}
	if !strings.Contains(r.References(), "taskboard-frontend@sha256:bb") || ShortSHA("0123456789abcdef") != "0123456789ab" {
		t.Fatal(r.References())
	}
	if !strings.Contains(SignedDetails("https://rekor.example.com"), "recorded in https://rekor.example.com") {
		t.Fatal(SignedDetails("x"))
	}
}

func TestInputsRecordTheRegistryAndTheKey(t *testing.T) {
	var r Release
	if got := r.Inputs("Amazon ECR x", []byte("PEM"), true); got != "registry: Amazon ECR x; signing: ephemeral key" || !r.EphemeralKey || r.PublicKeyPEM != "PEM" || r.Registry != "Amazon ECR x" {
		t.Fatalf("%q %+v", got, r)
	}
}
