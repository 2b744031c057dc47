package releasereport

import (
	"strings"
	"testing"

	"dagger/pipeline/summary"
	"dagger/pipeline/testreports"
)

func TestLinksNameEachPlatformsScan(t *testing.T) {
	components := []string{"backend", "frontend"}
	links := Links(components, []string{"linux/amd64", "linux/arm64"})
	for _, want := range []string{"release.json", testreports.JUnitRelease, "backend/linux-arm64/" + TrivyImageJSON, "backend/linux-arm64/" + SBOMSPDX, "frontend/linux-amd64/" + SBOMCycloneDX, "backend/linux-arm64/" + Vuln, "frontend/" + SBOMSPDX, "backend/" + Provenance, "frontend/" + Vuln, "backend/" + OpenVEX} {
		if !containsPath(links, want) {
			t.Errorf("release summary does not link %s: %v", want, links)
		}
	}
	if one := Links(components, []string{"linux/amd64"}); !containsPath(one, "backend/"+TrivyImageGate) || containsPath(one, "backend/linux-amd64/"+TrivyImageGate) || containsPath(one, "backend/linux-amd64/"+SBOMSPDX) {
		t.Errorf("single platform: %v", one)
	}
}

func containsPath(links []summary.Report, p string) bool {
	for _, l := range links {
		if l.Path == p {
			return true
		}
	}
	return false
}

func TestManifestListsThePushedImages(t *testing.T) {
	r := Release{GitSHA: "abc1234", Version: "1.2.0", Registry: "r.example.com", Images: []Image{
		{Component: "backend", Reference: "r.example.com/taskboard-backend@sha256:aa"},
		{Component: "frontend"},
	}}
	m := r.Manifest()
	if len(m.Images) != 1 || m.Images["backend"] != "r.example.com/taskboard-backend@sha256:aa" || m.GitSHA != "abc1234" || len(m.Attestations) != 1 {
		t.Fatalf("manifest %+v", m)
	}
}

func TestFilesOfAFinishedRelease(t *testing.T) {
	r := Release{GitSHA: "abc1234", Version: "1.0", Stages: summary.Summary{Title: "Release", Stages: []summary.Stage{{Name: "push", Status: summary.Passed}}}}
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(files["release.json"], `"gitSha": "abc1234"`) || !strings.Contains(files[testreports.JUnitRelease], `name="push"`) || !strings.Contains(files["summary.md"], "push") {
		t.Fatalf("%v", files)
	}
}
