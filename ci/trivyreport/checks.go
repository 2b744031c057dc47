package trivyreport

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Trivy v0.74.0 takes its misconfiguration checks (the Rego rules of aquasecurity/trivy-checks)
// from one of two places (pkg/commands/artifact/run.go initMisconfScannerOption,
// pkg/commands/operation/operation.go InitBuiltinChecks, pkg/policy/policy.go):
//
//   - a bundle in <cache-dir>/policy/content, downloaded from --checks-bundle-repository, by
//     default mirror.gcr.io/aquasec/trivy-checks:2 (policy.BundleRepository and the major version
//     policy.BundleVersion): a tag every trivy-checks release moves, which Trivy looks up again
//     once a day (policy.Client.NeedsUpdate) unless --skip-check-update is given;
//   - the checks compiled into the binary (go:embed in github.com/aquasecurity/trivy-checks, at the
//     version Trivy's go.mod requires), used when there is no bundle: --skip-check-update and no
//     <cache-dir>/policy/content, or a download that failed ("Falling back to embedded checks").
//
// So every scan of the module runs with PinnedChecks and a cache directory whose only policy/ is
// the one ChecksSnapshotScript downloaded from a pinned reference: without one, the checks are
// those of the pinned Trivy binary, and misconfiguration findings change only with a commit.

// PinnedChecks is the flag of every Trivy scan: never look up or download a checks bundle.
const PinnedChecks = "--skip-check-update"

// EmbeddedChecks names the default: the checks compiled into the pinned Trivy, no bundle.
const EmbeddedChecks = "embedded"

// ChecksBundleEnv is the variable ChecksSnapshotScript reads the bundle's reference from: a
// value, never part of the script's text.
const ChecksBundleEnv = "TRIVY_CHECKS_BUNDLE_REPOSITORY"

// fullVersionTag is a trivy-checks release's own tag (2.1.0); its other tags (2.1, 2, latest,
// nightly) move to the next release.
var fullVersionTag = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+$`)

// CheckChecksBundle accepts EmbeddedChecks or a checks bundle pinned by digest
// (registry.example.com/aquasec/trivy-checks@sha256:...) or by a release's full version tag
// (registry.example.com/aquasec/trivy-checks:2.1.0). It refuses a moving tag, such as Trivy's
// default :2, and a reference without a tag (Trivy would take :latest).
func CheckChecksBundle(ref string) error {
	if ref == EmbeddedChecks {
		return nil
	}
	if strings.Contains(ref, "://") {
		return fmt.Errorf("checks bundle %q: a repository, host[:port]/path, not a URL; want a digest (@sha256:...) or a full version tag (:2.1.0)", ref)
	}
	if _, err := name.NewDigest(ref); err == nil {
		return nil
	}
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return fmt.Errorf("checks bundle %q: want a repository with a digest (@sha256:...) or a full version tag (:2.1.0): %w", ref, err)
	}
	if !fullVersionTag.MatchString(tag.TagStr()) {
		return fmt.Errorf("checks bundle %q: the tag %q moves with each trivy-checks release; pin it by digest (%s@sha256:...) or by a full version tag (%s:2.1.0)",
			ref, tag.TagStr(), tag.Context(), tag.Context())
	}
	return nil
}

// ChecksSnapshotScript downloads the checks bundle named by $ChecksBundleEnv into scratch, then
// copies it to snapshot/policy, Trivy's layout under --cache-dir, for the scans to use with
// PinnedChecks. Trivy has no download-only mode for checks (docs/guide/configuration/db.md), so
// it scans an empty directory with `trivy config`, which downloads the bundle first; and since a
// failed download only falls back to the embedded checks, the script fails unless the bundle is
// there, and, for a reference by digest, unless Trivy recorded that digest. scratch starts empty
// (no cached bundle to trust). insecure allows plain HTTP or self-signed TLS.
func ChecksSnapshotScript(scratch, snapshot string, insecure bool) string {
	flag := ""
	if insecure {
		flag = " --insecure"
	}
	cache, policy := scratch+"/cache", scratch+"/cache/policy"
	return fmt.Sprintf(`rm -rf %[1]q && mkdir -p %[2]q
trivy config --cache-dir %[3]q --checks-bundle-repository "$%[4]s"%[5]s --format json --output %[6]q --exit-code 0 %[2]q
if [ ! -s %[7]q ] || [ ! -d %[8]q ]; then
  echo "the checks bundle $%[4]s was not downloaded (Trivy says why above)" >&2
  exit 1
fi
case "$%[4]s" in
*@*) grep -q "\"Digest\":\"${%[4]s#*@}\"" %[7]q || { echo "Trivy did not record the digest of $%[4]s" >&2; exit 1; } ;;
esac
rm -rf %[9]q && mkdir -p %[9]q
cp -a %[10]q %[11]q`,
		scratch, scratch+"/empty", cache, ChecksBundleEnv, flag, scratch+"/report.json",
		policy+"/metadata.json", policy+"/content", snapshot, policy, snapshot+"/policy")
}
