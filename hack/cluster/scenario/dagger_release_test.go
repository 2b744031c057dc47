package scenario

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// daggerReleaseMode is make test-cluster-release: the GitOps scenario's values commit is then made
// by a real `dagger call release --git-push` on the Dagger engine of make test-engine, instead of
// by the test. make test-cluster (no engine needed) commits the values itself.
func daggerReleaseMode() bool { return os.Getenv("TASKBOARD_CLUSTER_DAGGER_RELEASE") == "1" }

// daggerRelease runs the fork's main pipeline on the Dagger engine, through hack/enginetest's
// -cluster mode (its offline sources: GOPROXY, npm registry, Trivy DB): both images built from this
// checkout, scanned, pushed to the cluster's registry, signed with the fork's key (rel's) and
// attested, each recorded in the cluster's transparency log, and the new tags and digests committed
// to repo, the GitOps repository Argo CD follows. Every address is the one the cluster uses: the
// engine's namespace reaches each through hack/cluster's nsfwd. The release reads the fork's values
// from repo, so it checks (ci/admission) the very policy Kyverno enforces. It returns the digests
// by component and the values commit.
func daggerRelease(t *testing.T, root string, repo *gitRepo, rel *releaseState) (map[string]string, string) {
	t.Helper()
	pid, err := strconv.Atoi(os.Getenv("TASKBOARD_CLUSTER_NS_PID"))
	if err != nil || repo.pushURL == "" || clusterLog == nil {
		t.Fatal("make test-cluster-release needs make test-cluster's own cluster (TASKBOARD_CLUSTER_NS_PID), the git server's push listener and the cluster's log")
	}
	if _, err := exec.LookPath("dagger"); err != nil {
		t.Fatal("no dagger CLI in PATH: make test-cluster-release releases with the engine of make test-engine; start it and eval its env (README)")
	}
	dir, err := os.MkdirTemp("", "cluster-dagger-release-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	keyFile := filepath.Join(dir, "cosign.key")
	if err := os.WriteFile(keyFile, rel.key, 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, name := range []string{"helm/policies/values-production.yaml", "helm/app/values-production.yaml"} {
		files[name] = string(repo.file(t, name))
	}
	out := filepath.Join(dir, "reports")
	target, _ := json.Marshal(map[string]any{
		"pid": pid, "address": nodeIP(), "registry": rel.reg, "registryCA": os.Getenv("TASKBOARD_CLUSTER_CA"),
		"ports": []int{port(t, repo.pushURL), port(t, clusterLog.url)}, "files": files,
		"cosignKey": keyFile, "gitUrl": repo.pushURL, "gitCA": repo.pushCA, "gitToken": gitPushToken, "out": out,
	})
	targetFile := filepath.Join(dir, "target.json")
	if err := os.WriteFile(targetFile, target, 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cmd := exec.Command("bash", filepath.Join(root, "hack", "enginetest", "run.sh"), "-cluster", targetFile)
	cmd.Dir = root
	output, err := cmd.CombinedOutput()
	t.Logf("hack/enginetest -cluster (%s):\n%s", time.Since(start).Round(time.Second), tailLines(string(output), 40))
	if err != nil {
		t.Fatalf("the Dagger release into the cluster failed: %v", err)
	}
	var m struct {
		Images       map[string]string `json:"images"`
		ValuesCommit string            `json:"valuesCommit"`
	}
	data, err := os.ReadFile(filepath.Join(out, "release.json"))
	if err == nil {
		err = json.Unmarshal(data, &m)
	}
	if err != nil {
		t.Fatalf("release.json: %v", err)
	}
	digests := map[string]string{}
	for component, ref := range m.Images {
		at := strings.LastIndex(ref, "@")
		if !strings.HasPrefix(ref, rel.reg+"/") || at < 0 {
			t.Fatalf("release.json: %s is %q, want %s/...@sha256:...", component, ref, rel.reg)
		}
		digests[component] = ref[at+1:]
	}
	if digests["backend"] == "" || digests["frontend"] == "" || m.ValuesCommit == "" {
		t.Fatalf("release.json names images %v and values commit %q: want both images and a commit", m.Images, m.ValuesCommit)
	}
	return digests, m.ValuesCommit
}

func port(t *testing.T, url string) int {
	t.Helper()
	hostport := strings.SplitN(strings.SplitN(url, "://", 2)[1], "/", 2)[0]
	_, p, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
