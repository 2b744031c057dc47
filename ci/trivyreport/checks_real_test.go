package trivyreport

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"dagger/pipeline/trivytest"
)

// These run the real Trivy v0.74 with the module's own command lines, offline.

// A Deployment that breaks Trivy's embedded Kubernetes checks (a root container without limits).
const checkedManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
`

// bundleCheck is the one check of the test's bundle: it fails every Deployment, so a report that
// holds it (and none of the embedded KSV checks) was made with the bundle.
const bundleCheck = `# METADATA
# title: "Pinned bundle check"
# description: "Fails every Deployment: the scan used the bundle."
# scope: package
# custom:
#   id: TEST-0001
#   severity: LOW
#   recommended_action: "None."
#   input:
#     selector:
#     - type: kubernetes
package builtin.kubernetes.TEST0001

import rego.v1

deny contains res if {
	input.kind == "Deployment"
	res := result.new("checked by the pinned bundle", {})
}
`

// scanChecked runs the module's filesystem scan (FSArgs) of checkedManifest with the cache
// directory as the module gives it, and returns the failed check IDs and Trivy's log.
func scanChecked(t *testing.T, bin, cache string) ([]string, string) {
	t.Helper()
	dir, out := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "deployment.yaml"), []byte(checkedManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	log := trivytest.RunArgv(t, bin, dir, FSArgs(cache, out, ""))
	data, err := os.ReadFile(filepath.Join(out, FSJSON))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range r.Findings() {
		if f.Kind == KindMisconfiguration {
			seen[f.ID] = true
		}
	}
	var ids []string
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, log
}

// The default: no bundle is looked up or downloaded, and the checks compiled into Trivy run.
func TestRealScanRunsTheEmbeddedChecks(t *testing.T) {
	bin, cache := trivytest.Binary(t), trivytest.CacheDir(t)
	ids, log := scanChecked(t, bin, cache)
	if !strings.Contains(log, "--skip-check-update is enabled") || !strings.Contains(log, "Falling back to embedded checks") ||
		strings.Contains(log, "Downloading the checks bundle") || strings.Contains(log, "mirror.gcr.io") {
		t.Fatalf("Trivy's log does not show the embedded checks, offline:\n%s", log)
	}
	if len(ids) == 0 || !strings.HasPrefix(ids[0], "KSV-") {
		t.Fatalf("embedded checks found %v in a root Deployment without limits", ids)
	}
	if _, err := os.Stat(filepath.Join(cache, "policy")); !os.IsNotExist(err) {
		t.Fatalf("the scan left a checks bundle in the cache: %v", err)
	}
}

// A bundle named by digest is downloaded once (ChecksSnapshotScript) and the scan, still with
// --skip-check-update, runs its checks instead of the embedded ones.
func TestRealChecksBundleSnapshot(t *testing.T) {
	bin, host := trivytest.Binary(t), trivytest.Registry(t)
	ref := trivytest.PushArtifact(t, host, "trivy-checks", "2.0.0",
		trivytest.ChecksBundle(map[string][]byte{"policies/kubernetes/policies/test_0001.rego": []byte(bundleCheck)}))
	if err := CheckChecksBundle(ref); err != nil {
		t.Fatal(err)
	}
	scratch, snapshot := filepath.Join(t.TempDir(), "scratch"), filepath.Join(t.TempDir(), "snapshot")
	if out, err := trivytest.RunScript(t, bin, ChecksSnapshotScript(scratch, snapshot, true), ChecksBundleEnv+"="+ref); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cache := trivytest.CacheDir(t)
	if err := os.CopyFS(cache, os.DirFS(snapshot)); err != nil {
		t.Fatal(err)
	}
	ids, log := scanChecked(t, bin, cache)
	if strings.Join(ids, ",") != "TEST-0001" || strings.Contains(log, "Falling back to embedded checks") {
		t.Fatalf("the scan with the bundle found %v, want TEST-0001 alone\n%s", ids, log)
	}

	// A bundle that cannot be downloaded fails the snapshot instead of falling back in silence.
	out, err := trivytest.RunScript(t, bin, ChecksSnapshotScript(scratch, snapshot, true), ChecksBundleEnv+"="+host+"/missing:2.0.0")
	if err == nil || !strings.Contains(out, "the checks bundle "+host+"/missing:2.0.0 was not downloaded") {
		t.Fatalf("a missing bundle: %v\n%s", err, out)
	}
	// Nor does the snapshot take what the registry serves for a digest it did not ask for.
	wrong := host + "/trivy-checks@sha256:" + strings.Repeat("0", 64)
	if out, err := trivytest.RunScript(t, bin, ChecksSnapshotScript(scratch, snapshot, true), ChecksBundleEnv+"="+wrong); err == nil {
		t.Fatalf("an unknown digest was taken:\n%s", out)
	}
}
