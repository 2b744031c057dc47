package trivyreport

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// File names of the filesystem scan's reports.
const (
	FSJSON  = "trivy-fs.json"
	FSSARIF = "trivy-fs.sarif"
	FSGate  = "trivy-fs-gate.md"
)

// RenderedDir is where the chart renderings are added to the scanned tree (and so appear in
// Trivy's targets): Trivy's Helm scanner skips charts whose defaults do not render.
const RenderedDir = "rendered-manifests"

// SkipDirs are test inputs that violate policies on purpose: Go test fixtures (testdata/) and
// Kyverno CLI test resources (helm/<chart>/tests/). They are never deployed.
var SkipDirs = []string{"**/testdata", "**/node_modules", "helm/*/tests"}

// offline is what every scan shares: the DB was downloaded once into cacheDir, the checks are
// pinned (PinnedChecks), and the JSON keeps every finding at every severity (the gate decides;
// the report shows what was accepted).
func offline(cacheDir, output string) []string {
	return []string{"--cache-dir", cacheDir, "--skip-db-update", "--skip-java-db-update", PinnedChecks, "--no-progress",
		"--format", "json", "--output", output, "--exit-code", "0"}
}

// FSArgs is the filesystem scan of the working directory: vulnerabilities, secrets and
// misconfigurations, the report in dir. vexFile, when given, is an OpenVEX document of the
// accepted vulnerabilities (package vex) that Trivy applies too.
func FSArgs(cacheDir, dir, vexFile string) []string {
	args := append([]string{"trivy", "fs", "--scanners", "vuln,secret,misconfig"}, offline(cacheDir, dir+"/"+FSJSON)...)
	for _, skip := range SkipDirs {
		args = append(args, "--skip-dirs", skip)
	}
	if vexFile != "" {
		args = append(args, "--vex", vexFile)
	}
	return append(args, ".")
}

// SARIFArgs converts the filesystem scan's report in dir to SARIF, for the Scans tab.
func SARIFArgs(dir string) []string {
	return []string{"trivy", "convert", "--format", "sarif", "--output", dir + "/" + FSSARIF, dir + "/" + FSJSON}
}

// ImageArgs is the vulnerability scan of an image archive, the report at output. It runs no
// misconfiguration check today (--scanners vuln), and carries the pin all the same: a scanner
// added later cannot bring in a moving checks bundle.
func ImageArgs(archive, cacheDir, output string) []string {
	return append([]string{"trivy", "image", "--input", archive, "--scanners", "vuln"}, offline(cacheDir, output)...)
}

// VersionArgs is `trivy version` as JSON, read with the scans' cacheDir: the scanner's version and
// the metadata of the DB (and of a checks bundle, when one was given) it holds.
func VersionArgs(cacheDir string) []string {
	return []string{"trivy", "version", "--format", "json", "--cache-dir", cacheDir}
}

// DBRepositoriesEnv is the variable DBSnapshotScript reads the DB repositories from (Trivy's
// --db-repository list): a value, never part of the script's text.
const DBRepositoriesEnv = "TRIVY_DB_REPOSITORIES"

// DBCacheKey names the cache volume of a DB repository list (Trivy's --db-repository): Trivy
// reuses a cached DB until its NextUpdate (pkg/db Client.NeedsUpdate) without asking where it
// came from, so each list gets a volume of its own.
func DBCacheKey(repositories string) string {
	sum := sha256.Sum256([]byte(repositories))
	return hex.EncodeToString(sum[:6])
}

// DBSnapshotScript downloads the vulnerability DB into cacheDir, which Trivy skips while the
// cached DB is fresh, then copies it to snapshot/db for the scans to use offline: only db/, so
// the snapshot never carries a checks bundle into a scan. insecure allows plain HTTP or
// self-signed TLS.
func DBSnapshotScript(cacheDir, snapshot string, insecure bool) string {
	flag := ""
	if insecure {
		flag = " --insecure"
	}
	return fmt.Sprintf(`trivy image --download-db-only %s --no-progress --cache-dir %q --db-repository "$%s"%s
rm -rf %q && mkdir -p %q
cp -a %q %q`, PinnedChecks, cacheDir, DBRepositoriesEnv, flag, snapshot, snapshot, cacheDir+"/db", snapshot+"/db")
}
