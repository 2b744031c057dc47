package releasereport

import (
	"errors"
	"strings"
	"testing"

	"dagger/pipeline/summary"
)

func TestMarkdownNamesEverythingAReleaseDid(t *testing.T) {
	r := Release{
		GitSHA: "abc1234", Version: "1.2.0", Registry: "ECR 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
		Stages: summary.Summary{Title: "Release", Stages: []summary.Stage{{Name: "build", Status: summary.Passed, Details: "2 images"}}},
		Images: []Image{{
			Component: "backend", Reference: "reg/taskboard-backend@sha256:" + strings.Repeat("a", 64), Tag: "abc1234",
			Platforms: []string{"linux/amd64"}, Scan: "CRITICAL 0, HIGH 0", SignatureVerified: true,
			Attestations: []string{"spdxjson", "cyclonedx"}, SBOMPackages: map[string]int{"spdx-json": 41, "cyclonedx-json": 40},
		}},
		PublicKeyPEM:  "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
		ValuesChanged: true, ValuesCommit: "0123456789abcdef0123456789abcdef01234567",
	}
	md := r.Markdown()
	for _, want := range []string{
		"## Release: PASSED",
		"| backend | `reg/taskboard-backend@sha256:" + strings.Repeat("a", 64) + "` (tag `abc1234`) | linux/amd64 | CRITICAL 0, HIGH 0 | ✅ verified | ✅ spdxjson, cyclonedx | 40 (cyclonedx-json), 41 (spdx-json) |",
		"updated in commit `0123456789abcdef0123456789abcdef01234567`",
		"-----BEGIN PUBLIC KEY-----",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	if strings.Contains(md, "made for this run only") {
		t.Error("a given key is reported as ephemeral")
	}
}

func TestMarkdownOfALocalRun(t *testing.T) {
	r := Release{
		GitSHA: "local", Version: "dev", Registry: "throwaway registry",
		Stages:       summary.Summary{Title: "Release", Stages: []summary.Stage{{Name: "scan backend", Status: summary.Failed, Err: errors.New("2 HIGH")}}},
		Images:       []Image{{Component: "frontend", Reference: "localhost:5000/taskboard-frontend@sha256:x", Tag: "local"}},
		PublicKeyPEM: "-----BEGIN PUBLIC KEY-----\nk\n-----END PUBLIC KEY-----", EphemeralKey: true,
		ValuesChanged: true, GitPushNote: "--git-push not set",
	}
	md := r.Markdown()
	for _, want := range []string{"## Release: FAILED", "❌ not verified", "| none | - |", "not pushed: --git-push not set", "made for this run only"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	r.ValuesChanged = false
	if md := r.Markdown(); !strings.Contains(md, "nothing to commit") {
		t.Errorf("unchanged values not reported:\n%s", md)
	}
}
