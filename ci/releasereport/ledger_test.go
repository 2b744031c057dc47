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

// A release of two platforms: the index and each platform's image are signed and attested, the
// summary has a row for each, release.json names each platform's digest, and values.yaml pins
// the index.
func TestLedgerOfAnImageIndex(t *testing.T) {
	var r Release
	r.Begin([]string{"backend"}, "abc1234", []string{"linux/amd64", "linux/arm64"})
	b := r.Image("backend")
	b.Reference = "r.example.com/taskboard-backend@sha256:11"
	b.PlatformImages = []PlatformImage{
		{Platform: "linux/amd64", Reference: "r.example.com/taskboard-backend@sha256:aa"},
		{Platform: "linux/arm64", Reference: "r.example.com/taskboard-backend@sha256:bb"},
	}
	if got := strings.Join(b.Signed(), " "); got != "r.example.com/taskboard-backend@sha256:11 r.example.com/taskboard-backend@sha256:aa r.example.com/taskboard-backend@sha256:bb" {
		t.Fatalf("signed %s", got)
	}
	for _, ref := range b.Signed() {
		b.SignatureVerifiedOn(ref)
	}
	b.Attested("spdxjson", "spdx-json", 3)
	b.PlatformImage("linux/arm64").Attested("spdxjson", "spdx-json", 4)
	b.PlatformImage("linux/arm64").Scan = "CRITICAL 0, HIGH 0"
	if b.PlatformImage("linux/s390x") != nil {
		t.Fatal("a platform that was not built has a record")
	}
	values, err := r.Values()
	if err != nil || values["backend"].Digest != "sha256:11" {
		t.Fatalf("values.yaml must pin the index: %+v %v", values, err)
	}
	if refs := r.References(); !strings.Contains(refs, "@sha256:11 (linux/amd64 sha256:aa, linux/arm64 sha256:bb)") {
		t.Fatalf("push row: %s", refs)
	}
	m := r.Manifest()
	arm := m.Platforms["backend"][1]
	if m.Images["backend"] != b.Reference || len(m.Platforms["backend"]) != 2 || arm.Platform != "linux/arm64" ||
		arm.Image != "r.example.com/taskboard-backend@sha256:bb" || !arm.Signed || strings.Join(arm.Attestations, ",") != "spdxjson" {
		t.Fatalf("release.json %+v", m)
	}
	md := r.Markdown()
	for _, want := range []string{
		"| backend | `r.example.com/taskboard-backend@sha256:11` (tag `abc1234`) | linux/amd64, linux/arm64 (image index) | - | ✅ verified | ✅ spdxjson | 3 (spdx-json) |",
		"| backend (linux/arm64) | `r.example.com/taskboard-backend@sha256:bb` | linux/arm64 | CRITICAL 0, HIGH 0 | ✅ verified | ✅ spdxjson | 4 (spdx-json) |",
		"| backend (linux/amd64) | `r.example.com/taskboard-backend@sha256:aa` | linux/amd64 | - | ✅ verified | none | - |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	one := Release{Images: []Image{{Component: "frontend", Reference: "r/f@sha256:cc"}}}
	if one.Manifest().Platforms != nil || len(one.Images[0].Signed()) != 1 {
		t.Fatal("one platform: no platform images")
	}
}
