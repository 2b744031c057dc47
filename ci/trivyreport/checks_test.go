package trivyreport

import (
	"strings"
	"testing"
)

func TestCheckChecksBundle(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	for _, ref := range []string{
		EmbeddedChecks,
		"registry.example.com/aquasec/trivy-checks@" + digest,
		"registry.example.com:5000/aquasec/trivy-checks:2@" + digest, // the digest decides
		"mirror.gcr.io/aquasec/trivy-checks:2.1.0",
		"ghcr.io/aquasecurity/trivy-checks:v2.1.0",
		"127.0.0.1:5000/trivy-checks:1.12.1",
	} {
		if err := CheckChecksBundle(ref); err != nil {
			t.Errorf("%s refused: %v", ref, err)
		}
	}
	for ref, why := range map[string]string{
		"mirror.gcr.io/aquasec/trivy-checks:2":             `the tag "2" moves`,
		"mirror.gcr.io/aquasec/trivy-checks:2.1":           `the tag "2.1" moves`,
		"mirror.gcr.io/aquasec/trivy-checks:latest":        `the tag "latest" moves`,
		"ghcr.io/aquasecurity/trivy-checks:nightly":        `the tag "nightly" moves`,
		"mirror.gcr.io/aquasec/trivy-checks":               "full version tag",
		"trivy-checks@sha256:abc":                          "full version tag",
		"":                                                 "full version tag",
		"https://mirror.gcr.io/aquasec/trivy-checks:2.1.0": "full version tag",
	} {
		err := CheckChecksBundle(ref)
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: got %v, want an error saying %q", ref, err, why)
		}
	}
	if err := CheckChecksBundle("mirror.gcr.io/aquasec/trivy-checks:2"); !strings.Contains(err.Error(), "mirror.gcr.io/aquasec/trivy-checks@sha256:") {
		t.Errorf("the error shows no pinned form: %v", err)
	}
}

func TestChecksSnapshotScript(t *testing.T) {
	s := ChecksSnapshotScript("/scratch", "/snap", true)
	for _, want := range []string{
		`rm -rf "/scratch" && mkdir -p "/scratch/empty"`,
		`trivy config --cache-dir "/scratch/cache" --checks-bundle-repository "$TRIVY_CHECKS_BUNDLE_REPOSITORY" --insecure`,
		`if [ ! -s "/scratch/cache/policy/metadata.json" ] || [ ! -d "/scratch/cache/policy/content" ]`,
		`grep -q "\"Digest\":\"${TRIVY_CHECKS_BUNDLE_REPOSITORY#*@}\"" "/scratch/cache/policy/metadata.json"`,
		`cp -a "/scratch/cache/policy" "/snap/policy"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("%s\nlacks %s", s, want)
		}
	}
	if strings.Contains(ChecksSnapshotScript("/s", "/n", false), "--insecure") {
		t.Error("insecure without being asked")
	}
}
