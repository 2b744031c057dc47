package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	appsv1 "k8s.io/api/apps/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"
)

// What argocd-application.yaml names, and the URL it is cloned from in production.
const (
	upstreamRepoURL = "https://github.com/devsecops-reference/taskboard.git"
	rootApp         = "taskboard-apps"
	policiesApp     = "taskboard-policies"
	appApp          = "taskboard"
	bootstrapLabel  = "taskboard/bootstrap"
)

var (
	applicationGVR           = gvr("argoproj.io", "v1alpha1", "applications")
	appProjectGVR            = gvr("argoproj.io", "v1alpha1", "appprojects")
	validatingPolicyGVR      = gvr("policies.kyverno.io", "v1", "validatingpolicies")
	imageValidatingPolicyGVR = gvr("policies.kyverno.io", "v1", "imagevalidatingpolicies")
)

// TestArgoCDGitOps installs Argo CD v3.6.2 from its own manifests/install.yaml (images built from
// the same source by hack/airgap, preloaded by make test-cluster), serves this working tree from a
// git server the cluster reaches, as a fork's repository after its setup and first release: the
// policies trust the release key and name its registry, the application's values name the images
// TestReleaseOnCluster pushed and signed (values-production.yaml: the repositories; values.yaml:
// the tags and digests a release writes). It applies argocd-application.yaml as docs/SETUP.md
// says (the root Application and its project; repoURL rewritten to that server) and checks:
//   - both Applications sync from git, and the application's becomes Healthy: every pod Ready,
//     admitted by Kyverno (installed by TestKyvernoAdmission) with the policies Argo CD synced;
//   - the order: every policy is ready before the application's Application, and so any of its
//     workloads or pods, is created;
//   - a commit reaches the cluster: a values commit (as a release writes) is Synced, rolled into
//     the Deployment's template, and its pods Ready.
//
// It runs after TestKyvernoAdmission and TestReleaseOnCluster (the files' order) and fails,
// saying so, without them.
func TestArgoCDGitOps(t *testing.T) {
	c := connect(t)
	root := repoRoot(t)
	limit := 25 * time.Minute
	if daggerReleaseMode() {
		limit += 45 * time.Minute // a cold engine: the module load and both images' builds
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	ownCluster := os.Getenv("TASKBOARD_CLUSTER_NS_PID") != ""

	applyCRDs(t, ctx, c, moduleSource{kyvernoModule, "config/crds/policies.kyverno.io"})
	if t.Failed() {
		t.FailNow()
	}
	cleanGitOps(t, ctx, c)

	var argoReady time.Duration
	t.Run("install", func(t *testing.T) {
		argoReady = installArgoCD(t, ctx, c, root, ownCluster)
	})
	if t.Failed() {
		t.FailNow()
	}

	if released == nil {
		t.Fatal("no release in the node's registry: TestReleaseOnCluster pushes and signs it; run it first (make test-cluster does)")
	}
	repo := startGitRepo(t, root)
	forkValues(t, repo, released)
	t.Logf("git server: %s (commit %s)", repo.url, repo.head(t))

	// docs/SETUP.md, step 6: the application's namespace and its database Secret, before the sync.
	prepareAppNamespace(t, ctx, c, root)

	if !kyvernoRunning(ctx, c) {
		t.Fatal("Kyverno's admission controller is not running: TestKyvernoAdmission installs it; run it first (make test-cluster does)")
	}

	bootstrap := time.Now()
	t.Run("bootstrap", func(t *testing.T) {
		// kubectl apply -n argocd -f argocd-application.yaml -l taskboard/bootstrap=true
		var applied []string
		for _, o := range decode(t, "argocd-application.yaml", repo.file(t, "argocd-application.yaml")) {
			if o.GetLabels()[bootstrapLabel] != "true" {
				continue
			}
			if err := c.apply(ctx, o, argoCDNamespace); err != nil {
				t.Fatalf("refused: %v", err)
			}
			applied = append(applied, describe(o))
		}
		if len(applied) != 2 {
			t.Fatalf("the bootstrap label selects %v: want the root Application and its project", applied)
		}
		t.Logf("applied %s", strings.Join(applied, ", "))
	})
	if t.Failed() {
		t.FailNow()
	}

	t.Run("policies-synced", func(t *testing.T) {
		waitApp(t, ctx, c, policiesApp, 8*time.Minute, func(sync, health string) bool { return sync == "Synced" && health == "Healthy" })
	})
	t.Run("application-synced", func(t *testing.T) {
		// Synced, and every resource Healthy in Argo CD's eyes (Deployments and the StatefulSet: rolled
		// out, every pod Ready, each admitted by Kyverno) but the HorizontalPodAutoscalers: no
		// metrics-server here, so they report Degraded (FailedGetResourceMetric), and so does the
		// Application as a whole.
		waitApp(t, ctx, c, appApp, 8*time.Minute, func(sync, health string) bool { return sync == "Synced" })
		waitFor(t, "Application "+appApp+"'s workloads Healthy", 8*time.Minute, func() (bool, string, error) {
			return workloadsHealthy(ctx, c, appApp)
		})
		workloads := appWorkloads(t, ctx, c)
		if len(workloads) == 0 {
			t.Fatal("the application synced but created no Deployment or StatefulSet")
		}
		t.Logf("workloads created by Argo CD: %s", strings.Join(workloads, ", "))
		_, health, msg := appStatus(ctx, c, appApp)
		t.Logf("Application %s: Synced, Health %s %s; bootstrap to every pod Ready: %s", appApp, health, short(msg), time.Since(bootstrap).Round(time.Second))
	})
	t.Run("root-synced", func(t *testing.T) {
		waitApp(t, ctx, c, rootApp, 3*time.Minute, func(sync, health string) bool { return sync == "Synced" })
		_, health, msg := appStatus(ctx, c, rootApp)
		op := operationPhase(ctx, c, rootApp)
		t.Logf("root %s: Synced, Health %s %s; its sync operation %s (Argo CD waits for health between waves, not after the last)", rootApp, health, short(msg), op)
	})
	synced := time.Since(bootstrap)
	if t.Failed() {
		t.FailNow()
	}

	t.Run("order", func(t *testing.T) {
		checkPoliciesBeforeApplication(t, ctx, c)
	})

	// A client of the frontend Service, as the load balancer is, writing and reading while the
	// values commit rolls the backend out: no request may fail (PDB, readiness, graceful shutdown).
	sv, err := c.kube.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	client := loadClient(t, ctx, c, root, sv.GitVersion, released)
	var commitToSynced time.Duration
	t.Run("commit-to-synced", func(t *testing.T) {
		if daggerReleaseMode() {
			// The fork's main pipeline, for real: it pushes its values commit to repo itself.
			digests, commit := daggerRelease(t, root, repo, released)
			repo.git(t, repo.work, "pull", "--quiet", "--ff-only", "server", "main")
			if head := repo.head(t); head != commit {
				t.Fatalf("the GitOps repository's main is %s, not the release's values commit %s", head, commit)
			}
			t.Logf("dagger call release committed %s: %s", commit[:12], repo.git(t, repo.work, "log", "-1", "--format=%s"))
			load := startLoad(ctx, c, client, loadWindow)
			commitToSynced = valuesReachCluster(t, ctx, c, repo, digests["backend"], digests["frontend"])
			t.Logf("values commit of dagger call release (backend %s, frontend %s) to every pod Ready: %s after the refresh",
				digests["backend"], digests["frontend"], commitToSynced.Round(100*time.Millisecond))
			checkLoad(t, load, commitToSynced)
			return
		}
		load := startLoad(ctx, c, client, loadWindow)
		t.Logf("values commit pushed at %d (Unix time, as the load's failures are stamped)", time.Now().Unix())
		commitToSynced = valuesCommitReachesCluster(t, ctx, c, repo, released.second)
		checkLoad(t, load, commitToSynced)
	})

	// git revert of the values commit: Argo CD rolls back to the first release's digests.
	t.Run("revert", func(t *testing.T) {
		repo.git(t, repo.work, "revert", "--no-edit", "HEAD")
		took := valuesReachCluster(t, ctx, c, repo, released.images["backend"].digest, released.images["frontend"].digest)
		t.Logf("git revert to every pod Ready on the first release's digests: %s after the push", took.Round(100*time.Millisecond))
	})

	t.Logf("pods in %s: %s", appNamespace, podsState(ctx, c, appNamespace))
	t.Logf("timings: Argo CD ready %s after install.yaml was applied; bootstrap to both Applications Synced %s; values commit to Synced %s",
		argoReady.Round(time.Second), synced.Round(time.Second), commitToSynced.Round(time.Second))

	t.Run("cleanup", func(t *testing.T) {
		removeGitOps(t, ctx, c)
	})
}

// installArgoCD applies manifests/install.yaml of the v3.6.2 module zip into argocd, server-side,
// as docs/SETUP.md does, adds the Application health check of docs/SETUP.md to argocd-cm, and
// waits for every Deployment and StatefulSet to roll out; it returns how long that took. On the
// cluster of make test-cluster (no registry reachable, images preloaded): imagePullPolicy Always
// becomes IfNotPresent, and argocd-dex-server is scaled to 0 (SSO only, which nothing here uses;
// its image, ghcr.io/dexidp/dex, is not built here).
func installArgoCD(t *testing.T, ctx context.Context, c *cluster, root string, ownCluster bool) time.Duration {
	files := moduleFiles(t, argoCDModule, "manifests")
	data := files[argoCDModule+"/manifests/install.yaml"]
	if data == nil {
		t.Fatalf("no manifests/install.yaml in %s", argoCDModule)
	}
	objs := decode(t, "install.yaml", data)
	// kubectl create namespace argocd
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": argoCDNamespace}}}
	if err := c.apply(ctx, ns, ""); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for _, o := range objs {
		if ownCluster {
			adaptForOwnCluster(t, o)
		}
		if err := c.apply(ctx, o, argoCDNamespace); err != nil {
			t.Fatalf("install.yaml refused: %v", err)
		}
		c.warn.take()
	}
	patch := argoCDConfigFromSetup(t, root)
	if _, err := c.kube.CoreV1().ConfigMaps(argoCDNamespace).Patch(ctx, "argocd-cm", types.MergePatchType, patch, metav1.PatchOptions{FieldManager: fieldManager}); err != nil {
		t.Fatalf("argocd-cm: %v", err)
	}
	t.Logf("applied install.yaml (%d objects) and docs/SETUP.md's argocd-cm patch", len(objs))

	deps, err := c.kube.AppsV1().Deployments(argoCDNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps.Items {
		name := d.Name
		waitFor(t, "Deployment "+name+" rolled out", 8*time.Minute, func() (bool, string, error) {
			d, err := c.kube.AppsV1().Deployments(argoCDNamespace).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error(), nil
			}
			return deploymentDone(d), deploymentState(d) + "; " + podsState(ctx, c, argoCDNamespace, metav1.FormatLabelSelector(d.Spec.Selector)), nil
		})
	}
	waitRolledOut(t, ctx, c, argoCDNamespace, "StatefulSet", "argocd-application-controller")
	took := time.Since(start)
	var images []string
	pods, _ := c.kube.CoreV1().Pods(argoCDNamespace).List(ctx, metav1.ListOptions{})
	for _, p := range pods.Items {
		for _, cs := range p.Status.ContainerStatuses {
			images = append(images, p.Name+": "+cs.Image)
		}
	}
	sort.Strings(images)
	t.Logf("Argo CD ready in %s:\n  %s", took.Round(time.Second), strings.Join(images, "\n  "))
	return took
}

func adaptForOwnCluster(t *testing.T, o *unstructured.Unstructured) {
	t.Helper()
	if o.GetKind() != "Deployment" && o.GetKind() != "StatefulSet" {
		return
	}
	if o.GetName() == "argocd-dex-server" {
		if err := unstructured.SetNestedField(o.Object, int64(0), "spec", "replicas"); err != nil {
			t.Fatal(err)
		}
	}
	for _, field := range []string{"containers", "initContainers"} {
		list, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", field)
		for _, x := range list {
			if m, ok := x.(map[string]any); ok && m["imagePullPolicy"] == "Always" {
				m["imagePullPolicy"] = "IfNotPresent"
			}
		}
		if list != nil {
			if err := unstructured.SetNestedSlice(o.Object, list, "spec", "template", "spec", field); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// argoCDConfigFromSetup is the argocd-cm merge patch docs/SETUP.md gives (the here-document after
// `kubectl -n argocd patch configmap argocd-cm`), as JSON: the test applies what the docs say.
func argoCDConfigFromSetup(t *testing.T, root string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "docs", "SETUP.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "patch configmap argocd-cm")
	if i < 0 {
		t.Fatal("docs/SETUP.md: no `kubectl -n argocd patch configmap argocd-cm` command")
	}
	rest := text[i:]
	start := strings.Index(rest, "<<'EOF'\n")
	end := strings.Index(rest, "\nEOF\n")
	if start < 0 || end < start {
		t.Fatal("docs/SETUP.md: the argocd-cm patch is not a <<'EOF' here-document")
	}
	body := rest[start+len("<<'EOF'\n") : end]
	js, err := yaml.YAMLToJSON([]byte(body))
	if err != nil {
		t.Fatalf("docs/SETUP.md's argocd-cm patch: %v", err)
	}
	var patch struct{ Data map[string]string }
	if err := json.Unmarshal(js, &patch); err != nil || patch.Data["resource.customizations.health.argoproj.io_Application"] == "" {
		t.Fatalf("docs/SETUP.md's argocd-cm patch has no resource.customizations.health.argoproj.io_Application (%v): %s", err, body)
	}
	return js
}

func deploymentDone(d *appsv1.Deployment) bool {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	st := d.Status
	return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == want && st.AvailableReplicas == want && st.Replicas == want
}

func deploymentState(d *appsv1.Deployment) string {
	st := d.Status
	return fmt.Sprintf("updated %d available %d of %d", st.UpdatedReplicas, st.AvailableReplicas, st.Replicas)
}

// gitRepo is a git smart-HTTP server (git http-backend behind net/http/cgi, read-only, no
// authentication, as a public repository) serving one bare repository, taskboard.git, branch main,
// at an address the cluster's pods reach: on make test-cluster's own cluster, the node address
// inside the cluster's network namespace (plain http: the node is the host of the cluster).
//
// On that cluster it also takes pushes, as a fork's GitOps repository does from its release: over
// HTTPS (the registry's certificate, of the cluster's CA) with a token, at pushURL.
type gitRepo struct {
	bare, work, url string
	pushURL, pushCA string
}

// gitPushToken is the push listener's token (HTTP basic auth password).
const gitPushToken = "cluster-git-token"

func startGitRepo(t *testing.T, root string) *gitRepo {
	t.Helper()
	dir := t.TempDir()
	r := &gitRepo{bare: filepath.Join(dir, "taskboard.git"), work: filepath.Join(dir, "work")}

	var ln, pushLn net.Listener
	var err error
	if pid := os.Getenv("TASKBOARD_CLUSTER_NS_PID"); pid != "" {
		ln, err = listenInNetns(pid, net.JoinHostPort(nodeIP(), "0"))
		if err == nil {
			pushLn, r.pushCA, err = tlsListenerInNetns(t, pid)
		}
	} else if addr := os.Getenv("TASKBOARD_CLUSTER_GIT_LISTEN"); addr != "" {
		ln, err = net.Listen("tcp", addr)
	} else {
		t.Fatal("no address the cluster reaches for the test's git server: set TASKBOARD_CLUSTER_GIT_LISTEN to HOST:0 on an address your cluster's pods reach this machine at (kind: the docker network's gateway, e.g. 172.18.0.1:0)")
	}
	if err != nil {
		t.Fatalf("git server: %v", err)
	}
	r.url = "http://" + ln.Addr().String() + "/taskboard.git"

	// The working tree's charts and argocd-application.yaml, with repoURL (and the projects'
	// sourceRepos, which must match it) rewritten to this server.
	files, err := exec.Command("git", "-C", root, "ls-files", "-co", "--exclude-standard", "--", "helm/app", "helm/policies").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	r.git(t, dir, "init", "--quiet", "--initial-branch=main", r.work)
	for _, f := range strings.Fields(string(files)) {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue // deleted in the working tree
		}
		r.write(t, f, data)
	}
	app, err := os.ReadFile(filepath.Join(root, "argocd-application.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(app), upstreamRepoURL) {
		t.Fatalf("argocd-application.yaml does not name %s", upstreamRepoURL)
	}
	r.write(t, "argocd-application.yaml", []byte(strings.ReplaceAll(string(app), upstreamRepoURL, r.url)))
	r.git(t, r.work, "add", "-A")
	r.git(t, r.work, "commit", "--quiet", "-m", "taskboard: the working tree's charts and argocd-application.yaml")
	r.git(t, dir, "clone", "--quiet", "--bare", r.work, r.bare)
	r.git(t, r.bare, "config", "http.receivepack", "true") // only the push listener lets it through
	r.git(t, r.work, "remote", "add", "server", r.bare)

	exe, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatal(err)
	}
	h := &cgi.Handler{
		Path:       filepath.Join(strings.TrimSpace(string(exe)), "git-http-backend"),
		Env:        []string{"GIT_PROJECT_ROOT=" + dir, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir},
		InheritEnv: []string{"PATH"},
	}
	var mu sync.Mutex
	var fetches int
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "/git-receive-pack") || req.URL.Query().Get("service") == "git-receive-pack" {
			http.Error(w, "read-only", http.StatusForbidden)
			return
		}
		mu.Lock()
		fetches++
		mu.Unlock()
		h.ServeHTTP(w, req)
	})}
	go srv.Serve(ln)
	var push *http.Server
	if pushLn != nil {
		r.pushURL = "https://" + pushLn.Addr().String() + "/taskboard.git"
		push = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if _, token, ok := req.BasicAuth(); !ok || token != gitPushToken {
				w.Header().Set("WWW-Authenticate", `Basic realm="taskboard"`)
				http.Error(w, "token required", http.StatusUnauthorized)
				return
			}
			h.ServeHTTP(w, req)
		})}
		go push.Serve(pushLn)
	}
	t.Cleanup(func() {
		srv.Close()
		if push != nil {
			push.Close()
		}
		mu.Lock()
		defer mu.Unlock()
		t.Logf("git server: %d requests served", fetches)
	})
	return r
}

// listenInNetns opens a TCP listener inside the network namespace of pid: a socket belongs to the
// namespace of the thread that creates it, so one locked thread joins the namespace, listens, and
// goes back to its own before it is unlocked. It must not die instead: the children a thread
// forked with Pdeathsig (ci/rekorlog's PostgreSQL and Trillian) are killed when it exits, and any
// thread may have forked them. Serving happens anywhere.
func listenInNetns(pid, addr string) (net.Listener, error) {
	type result struct {
		ln  net.Listener
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		own, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{nil, err}
			return
		}
		defer own.Close()
		f, err := os.Open("/proc/" + pid + "/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{nil, err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			ch <- result{nil, fmt.Errorf("setns into the network namespace of pid %s: %w", pid, err)}
			return
		}
		ln, err := net.Listen("tcp", addr)
		if back := unix.Setns(int(own.Fd()), unix.CLONE_NEWNET); back == nil {
			runtime.UnlockOSThread()
		} // else the thread stays locked, and dies with this goroutine: never reused in the wrong namespace
		ch <- result{ln, err}
	}()
	r := <-ch
	return r.ln, r.err
}

func (r *gitRepo) git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=test-cluster", "GIT_AUTHOR_EMAIL=test-cluster@taskboard.test",
		"GIT_COMMITTER_NAME=test-cluster", "GIT_COMMITTER_EMAIL=test-cluster@taskboard.test")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *gitRepo) write(t *testing.T, name string, data []byte) {
	t.Helper()
	p := filepath.Join(r.work, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (r *gitRepo) file(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(r.work, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (r *gitRepo) head(t *testing.T) string { return r.git(t, r.work, "rev-parse", "HEAD") }

// prepareAppNamespace does what docs/SETUP.md asks before the first sync (the namespace and the
// database Secret) and gives the cluster the StorageClass production's values name (gp3 on EKS),
// provisioned as the cluster's default class is, when the cluster has no class of that name.
func prepareAppNamespace(t *testing.T, ctx context.Context, c *cluster, root string) {
	t.Helper()
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": appNamespace}}}
	if err := c.apply(ctx, ns, ""); err != nil {
		t.Fatal(err)
	}
	ensureDBSecret(t, ctx, c)
	var vals struct {
		Postgresql struct {
			Persistence struct {
				StorageClass string `json:"storageClass"`
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "helm", "app", "values-production.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &vals); err != nil {
		t.Fatal(err)
	}
	class := vals.Postgresql.Persistence.StorageClass
	if class == "" {
		return
	}
	if _, err := c.kube.StorageV1().StorageClasses().Get(ctx, class, metav1.GetOptions{}); err == nil {
		return
	}
	def, err := c.kube.StorageV1().StorageClasses().Get(ctx, defaultStorageClass(t, ctx, c), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sc := &storagev1.StorageClass{
		ObjectMeta:        metav1.ObjectMeta{Name: class},
		Provisioner:       def.Provisioner,
		Parameters:        def.Parameters,
		ReclaimPolicy:     def.ReclaimPolicy,
		VolumeBindingMode: def.VolumeBindingMode,
	}
	if _, err := c.kube.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Logf("StorageClass %s (values-production.yaml's) created with the provisioner of the default class %s", class, def.Name)
}

// appStatus is an Application's sync status, health status and health message (or its first
// condition's message when it has no health message).
func appStatus(ctx context.Context, c *cluster, name string) (sync, health, msg string) {
	a, err := c.dyn.Resource(applicationGVR).Namespace(argoCDNamespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return "", "", err.Error()
	}
	sync, _, _ = unstructured.NestedString(a.Object, "status", "sync", "status")
	health, _, _ = unstructured.NestedString(a.Object, "status", "health", "status")
	msg, _, _ = unstructured.NestedString(a.Object, "status", "health", "message")
	conds, _, _ := unstructured.NestedSlice(a.Object, "status", "conditions")
	for _, x := range conds {
		if m, ok := x.(map[string]any); ok {
			msg += fmt.Sprintf(" [%v: %v]", m["type"], m["message"])
		}
	}
	if op := operationPhase(ctx, c, name); op != "" {
		msg += " operation " + op
	}
	return sync, health, msg
}

func operationPhase(ctx context.Context, c *cluster, name string) string {
	a, err := c.dyn.Resource(applicationGVR).Namespace(argoCDNamespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return ""
	}
	phase, _, _ := unstructured.NestedString(a.Object, "status", "operationState", "phase")
	msg, _, _ := unstructured.NestedString(a.Object, "status", "operationState", "message")
	if phase == "" {
		return ""
	}
	return phase + ": " + short(msg)
}

func waitApp(t *testing.T, ctx context.Context, c *cluster, name string, timeout time.Duration, ok func(sync, health string) bool) {
	t.Helper()
	start := time.Now()
	waitFor(t, "Application "+name, timeout, func() (bool, string, error) {
		sync, health, msg := appStatus(ctx, c, name)
		return ok(sync, health), fmt.Sprintf("sync %q health %q %s", sync, health, short(msg)), nil
	})
	sync, health, _ := appStatus(ctx, c, name)
	t.Logf("Application %s: %s, %s after %s", name, sync, health, time.Since(start).Round(time.Second))
}

// workloadsHealthy: the Application's resources all report Healthy in its status, the
// HorizontalPodAutoscalers aside (Degraded without a metrics API); the state lists the others.
func workloadsHealthy(ctx context.Context, c *cluster, name string) (bool, string, error) {
	a, err := c.dyn.Resource(applicationGVR).Namespace(argoCDNamespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, err.Error(), nil
	}
	res, _, _ := unstructured.NestedSlice(a.Object, "status", "resources")
	var waiting []string
	workloads := 0
	for _, r := range res {
		m, _ := r.(map[string]any)
		kind, _ := m["kind"].(string)
		health, _, _ := unstructured.NestedString(m, "health", "status")
		if kind == "Deployment" || kind == "StatefulSet" {
			workloads++
		}
		if kind == "HorizontalPodAutoscaler" || health == "" || health == "Healthy" {
			continue
		}
		msg, _, _ := unstructured.NestedString(m, "health", "message")
		waiting = append(waiting, fmt.Sprintf("%s %v %s %s", kind, m["name"], health, short(msg)))
	}
	if workloads == 0 {
		return false, "no Deployment or StatefulSet in the Application's status yet", nil
	}
	return len(waiting) == 0, strings.Join(waiting, "; ") + "; " + podsState(ctx, c, appNamespace), nil
}

// appWorkloads are the Deployments, StatefulSets and CronJobs in the application's namespace.
func appWorkloads(t *testing.T, ctx context.Context, c *cluster) []string {
	t.Helper()
	var out []string
	deps, err := c.kube.AppsV1().Deployments(appNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps.Items {
		out = append(out, "Deployment "+d.Name)
	}
	sts, err := c.kube.AppsV1().StatefulSets(appNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts.Items {
		out = append(out, "StatefulSet "+s.Name)
	}
	cjs, err := c.kube.BatchV1().CronJobs(appNamespace).List(ctx, metav1.ListOptions{})
	if err == nil {
		for _, j := range cjs.Items {
			out = append(out, "CronJob "+j.Name)
		}
	}
	sort.Strings(out)
	return out
}

// checkPoliciesBeforeApplication compares the API server's own timestamps: each policy's ready
// time (its WebhookConfigured condition's lastTransitionTime, written by Kyverno or the stand-in)
// must not be later than the creation of the application's Application, of any of its workloads
// and of any pod in its namespace. Timestamps have whole seconds.
func checkPoliciesBeforeApplication(t *testing.T, ctx context.Context, c *cluster) {
	t.Helper()
	var lastReady time.Time
	var lastName string
	n := 0
	for _, g := range []struct {
		kind string
		res  func() *unstructured.UnstructuredList
	}{
		{"ValidatingPolicy", func() *unstructured.UnstructuredList {
			l, _ := c.dyn.Resource(validatingPolicyGVR).List(ctx, metav1.ListOptions{})
			return l
		}},
		{"ImageValidatingPolicy", func() *unstructured.UnstructuredList {
			l, _ := c.dyn.Resource(imageValidatingPolicyGVR).List(ctx, metav1.ListOptions{})
			return l
		}},
	} {
		list := g.res()
		if list == nil {
			continue
		}
		for _, p := range list.Items {
			ready, ok := policyReadyTime(&p)
			if !ok {
				t.Errorf("%s %s is not ready", g.kind, p.GetName())
				continue
			}
			n++
			t.Logf("%s %s: created %s, ready %s", g.kind, p.GetName(), p.GetCreationTimestamp().UTC().Format(time.TimeOnly), ready.UTC().Format(time.TimeOnly))
			if ready.After(lastReady) {
				lastReady, lastName = ready, g.kind+" "+p.GetName()
			}
		}
	}
	if n == 0 {
		t.Fatal("no ValidatingPolicy or ImageValidatingPolicy in the cluster")
	}
	app, err := c.dyn.Resource(applicationGVR).Namespace(argoCDNamespace).Get(ctx, appApp, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type created struct {
		what string
		at   time.Time
	}
	items := []created{{"Application " + appApp, app.GetCreationTimestamp().Time}}
	deps, _ := c.kube.AppsV1().Deployments(appNamespace).List(ctx, metav1.ListOptions{})
	for _, d := range deps.Items {
		items = append(items, created{"Deployment " + d.Name, d.CreationTimestamp.Time})
	}
	sts, _ := c.kube.AppsV1().StatefulSets(appNamespace).List(ctx, metav1.ListOptions{})
	for _, s := range sts.Items {
		items = append(items, created{"StatefulSet " + s.Name, s.CreationTimestamp.Time})
	}
	pods, _ := c.kube.CoreV1().Pods(appNamespace).List(ctx, metav1.ListOptions{})
	for _, p := range pods.Items {
		items = append(items, created{"Pod " + p.Name, p.CreationTimestamp.Time})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].at.Before(items[j].at) })
	for _, it := range items {
		if it.at.Before(lastReady) {
			t.Errorf("%s created at %s, before %s was ready (%s)", it.what, it.at.UTC().Format(time.TimeOnly), lastName, lastReady.UTC().Format(time.TimeOnly))
		}
	}
	t.Logf("%d policies, the last ready at %s (%s); first of the application: %s at %s (+%s)", n, lastReady.UTC().Format(time.TimeOnly), lastName,
		items[0].what, items[0].at.UTC().Format(time.TimeOnly), items[0].at.Sub(lastReady))
}

func policyReadyTime(p *unstructured.Unstructured) (time.Time, bool) {
	ready, _, _ := unstructured.NestedBool(p.Object, "status", "conditionStatus", "ready")
	if !ready {
		return time.Time{}, false
	}
	conds, _, _ := unstructured.NestedSlice(p.Object, "status", "conditionStatus", "conditions")
	var last time.Time
	for _, x := range conds {
		m, _ := x.(map[string]any)
		s, _ := m["lastTransitionTime"].(string)
		if at, err := time.Parse(time.RFC3339, s); err == nil && at.After(last) {
			last = at
		}
	}
	return last, !last.IsZero()
}

// valuesCommitReachesCluster commits what a release commits (helm/app/values.yaml: the tag and
// digest of each component's second release, pushed and signed by TestReleaseOnCluster), tells
// Argo CD as the git server's webhook would (the refresh annotation; without it Argo CD polls
// every 3 minutes), and measures the time until the Application is Synced at that commit, both
// Deployments' templates name the new digests and both rollouts are done, every pod Ready.
func valuesCommitReachesCluster(t *testing.T, ctx context.Context, c *cluster, repo *gitRepo, next map[string]*releasedImage) time.Duration {
	t.Helper()
	set := map[string]any{}
	var digests []string
	for _, n := range []string{"backend", "frontend"} {
		set[n] = map[string]any{"image": map[string]any{"tag": next[n].tag, "digest": next[n].digest}}
		digests = append(digests, next[n].digest)
	}
	repo.editValues(t, "helm/app/values.yaml", set)
	repo.git(t, repo.work, "commit", "--quiet", "-am", "ci: update image tags to "+secondTag+" [skip ci]")
	took := valuesReachCluster(t, ctx, c, repo, digests...)
	t.Logf("values commit (backend %s, frontend %s, tag %s) to every pod Ready: %s after the push", digests[0], digests[1], secondTag, took.Round(100*time.Millisecond))
	return took
}

// valuesReachCluster pushes the working copy's last commit, tells Argo CD as a webhook would, and
// waits until the application is Synced at it with a Deployment on each digest, rolled out.
func valuesReachCluster(t *testing.T, ctx context.Context, c *cluster, repo *gitRepo, digests ...string) time.Duration {
	t.Helper()
	start := time.Now()
	repo.git(t, repo.work, "push", "--quiet", "server", "main")
	sha := repo.head(t)
	ann := []byte(`{"metadata":{"annotations":{"argocd.argoproj.io/refresh":"normal"}}}`)
	if _, err := c.dyn.Resource(applicationGVR).Namespace(argoCDNamespace).Patch(ctx, appApp, types.MergePatchType, ann, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	on := map[string]string{} // digest: the Deployment whose template names it
	waitFor(t, "Application "+appApp+" Synced at "+sha[:12], 5*time.Minute, func() (bool, string, error) {
		a, err := c.dyn.Resource(applicationGVR).Namespace(argoCDNamespace).Get(ctx, appApp, metav1.GetOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		rev, _, _ := unstructured.NestedString(a.Object, "status", "sync", "revision")
		st, _, _ := unstructured.NestedString(a.Object, "status", "sync", "status")
		if rev != sha || st != "Synced" {
			msg, _, _ := unstructured.NestedString(a.Object, "status", "operationState", "message")
			return false, fmt.Sprintf("%s at %.12s; %s", st, rev, short(msg)), nil
		}
		deps, err := c.kube.AppsV1().Deployments(appNamespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		for _, d := range deps.Items {
			for _, ct := range d.Spec.Template.Spec.Containers {
				for _, digest := range digests {
					if strings.HasSuffix(ct.Image, "@"+digest) {
						on[digest] = d.Name
					}
				}
			}
		}
		for _, digest := range digests {
			if on[digest] == "" {
				return false, "Synced, no Deployment names " + digest + " yet", nil
			}
		}
		return true, "", nil
	})
	for _, digest := range digests {
		waitRolledOut(t, ctx, c, appNamespace, "Deployment", on[digest])
	}
	return time.Since(start)
}

// loadWindow bounds the load of the commit-to-synced step (the rollout must end inside it).
const loadWindow = 90 * time.Second

// checkLoad waits for the load and fails on any failed request, too few requests, or a rollout
// (took) longer than the load's window.
func checkLoad(t *testing.T, load func() (requests, failed int, out string), took time.Duration) {
	t.Helper()
	requests, failed, out := load()
	t.Logf("load through the frontend Service during the rollout: %d requests (a write and a read each), %d failed; %s", requests, failed, short(out))
	if took > loadWindow {
		t.Errorf("the rollout took %s, longer than the load's window of %s: the load did not cover it", took, loadWindow)
	}
	if requests < 10 || failed > 0 {
		t.Errorf("requests during the rollout: %d, failed %d: %s", requests, failed, short(out))
	}
}

// loadClient starts a pod like the chart's helm test pod (its labels: the NetworkPolicies let it
// reach the frontend) running the release's busybox, for the load; it returns its name.
func loadClient(t *testing.T, ctx context.Context, c *cluster, root, serverVersion string, rel *releaseState) string {
	t.Helper()
	override, _ := json.Marshal(map[string]any{"tests": map[string]any{"image": map[string]any{
		"registry": rel.reg + "/docker-hub", "digest": rel.images["busybox"].digest}}})
	r := render(t, filepath.Join(root, "helm", "app"), "taskboard", appNamespace, serverVersion,
		[]string{filepath.Join(root, "helm", "app", "values-production.yaml")}, string(override))
	for _, h := range r.hooks {
		if h.GetKind() == "Pod" {
			return testClient(t, ctx, c, h)
		}
	}
	t.Fatal("the chart rendered no helm test pod")
	return ""
}

// startLoad waits until pod reaches the frontend, then runs in it, in the background, a loop of a
// write (POST /api/tasks) and a read (GET /api/tasks) through the frontend Service for window
// (bounded: at most 2000 rounds); the function it returns waits for the loop and gives the
// requests, the failed ones and the loop's output.
func startLoad(ctx context.Context, c *cluster, pod string, window time.Duration) func() (requests, failed int, out string) {
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	// First the client's own path must work 20 times in a row (at most 300 tries): a new pod's address
	// reaches the NetworkPolicies' allowed sets a moment after it starts, which is not the rollout's
	// doing. Each failure is kept with its time (the pod's root filesystem is read-only: in a
	// variable), for the log.
	warm := `ok=0; n=0
while [ "$ok" -lt 20 ] && [ "$n" -lt 300 ]; do
  n=$((n + 1))
  if wget -q -T 5 -O /dev/null 'http://taskboard-frontend/api/tasks?limit=1' 2>/dev/null; then ok=$((ok + 1)); else ok=0; sleep 0.2; fi
done
echo "$ok in a row after $n requests"; [ "$ok" -ge 20 ]`
	if out, err := c.exec(ctx, appNamespace, pod, "wget", "sh", "-c", warm); err != nil {
		return func() (int, int, string) {
			return 0, 0, "the client never reached the frontend 20 times in a row: " + out + err.Error()
		}
	}
	script := `end=$(( $(date +%s) + $1 )); i=0; f=0; fails=""
while [ "$(date +%s)" -lt "$end" ] && [ "$i" -lt 2000 ]; do
  i=$((i + 1))
  e=$(wget -q -T 5 -O /dev/null --header 'Content-Type: application/json' --post-data "{\"title\":\"load $i\"}" http://taskboard-frontend/api/tasks 2>&1) || { f=$((f + 1)); fails="$fails | $(date +%s) write $i: $e"; }
  e=$(wget -q -T 5 -O /dev/null 'http://taskboard-frontend/api/tasks?limit=5' 2>&1) || { f=$((f + 1)); fails="$fails | $(date +%s) read $i: $e"; }
  sleep 0.2
done
echo "rounds $i failed $f"; echo "started $(( end - $1 ))$fails"`
	go func() {
		out, err := c.exec(ctx, appNamespace, pod, "wget", "sh", "-c", script, "sh", fmt.Sprint(int(window.Seconds())))
		done <- result{out, err}
	}()
	return func() (int, int, string) {
		r := <-done
		var rounds, fails int
		if _, err := fmt.Sscanf(r.out, "rounds %d failed %d", &rounds, &fails); err != nil || r.err != nil {
			return 0, 0, fmt.Sprintf("%s %v %v", r.out, err, r.err)
		}
		return 2 * rounds, fails, r.out
	}
}

// forkValues commits to repo what a fork sets up (docs/SETUP.md) and its first release writes,
// for the cluster's registry and rel's key: the policies trust the key and name the registry
// (helm/policies/values-production.yaml), the application's images are in it
// (helm/app/values-production.yaml: repositories and the pull-through prefix; values.yaml: the
// tags and digests), with the small-node CPU requests of the other scenarios.
func forkValues(t *testing.T, repo *gitRepo, rel *releaseState) {
	t.Helper()
	reg, img := rel.reg, rel.images
	repo.editValues(t, "helm/policies/values-production.yaml", map[string]any{
		"verifyImageSignatures": map[string]any{
			"publicKeys":      []any{string(rel.pub)},
			"imageReferences": []any{reg + "/taskboard-frontend*", reg + "/taskboard-backend*"},
			"transparencyLog": clusterLog.values(),
		},
		"restrictImageRegistries": map[string]any{
			"allowUnsigned": []any{reg + "/docker-hub/library/postgres:", reg + "/docker-hub/library/busybox:"},
		},
	})
	repo.editValues(t, "helm/app/values-production.yaml", map[string]any{
		"frontend":   map[string]any{"image": map[string]any{"repository": reg + "/" + img["frontend"].repo}},
		"backend":    map[string]any{"image": map[string]any{"repository": reg + "/" + img["backend"].repo}, "resources": map[string]any{"requests": map[string]any{"cpu": "50m"}}},
		"postgresql": map[string]any{"image": map[string]any{"registry": reg + "/docker-hub"}, "resources": map[string]any{"requests": map[string]any{"cpu": "250m"}}},
		"tests":      map[string]any{"image": map[string]any{"registry": reg + "/docker-hub"}},
	})
	repo.editValues(t, "helm/app/values.yaml", map[string]any{
		"frontend": map[string]any{"image": map[string]any{"tag": img["frontend"].tag, "digest": img["frontend"].digest}},
		"backend":  map[string]any{"image": map[string]any{"tag": img["backend"].tag, "digest": img["backend"].digest}},
	})
	repo.git(t, repo.work, "commit", "--quiet", "-am", "fork: our registry and release key; the first release's images")
	repo.git(t, repo.work, "push", "--quiet", "server", "main")
}

// editValues merges set into the YAML file name of the working copy (comments are not kept: this
// repository lives for one test).
func (r *gitRepo) editValues(t *testing.T, name string, set map[string]any) {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(r.file(t, name), &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	mergeValues(m, set)
	out, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	r.write(t, name, out)
}

func mergeValues(dst, src map[string]any) {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			if dv, ok := dst[k].(map[string]any); ok {
				mergeValues(dv, sv)
				continue
			}
		}
		dst[k] = v
	}
}

// kyvernoRunning: Kyverno's admission controller (its Helm chart's Deployment) is available.
func kyvernoRunning(ctx context.Context, c *cluster) bool {
	d, err := c.kube.AppsV1().Deployments(policiesNamespace).Get(ctx, "kyverno-admission-controller", metav1.GetOptions{})
	return err == nil && d.Status.AvailableReplicas > 0
}

// observedGeneration is the oldest generation a policy's conditions were written for.
func observedGeneration(p *unstructured.Unstructured) int64 {
	conds, _, _ := unstructured.NestedSlice(p.Object, "status", "conditionStatus", "conditions")
	oldest := int64(-1)
	for _, x := range conds {
		m, _ := x.(map[string]any)
		var g int64
		switch v := m["observedGeneration"].(type) {
		case int64:
			g = v
		case float64:
			g = int64(v)
		}
		if oldest < 0 || g < oldest {
			oldest = g
		}
	}
	return oldest
}

// cleanGitOps removes what an earlier run (kept cluster) or TestChartOnCluster left: the three
// Applications (their finalizers dropped: they may point at a repository that is gone), the
// policies, and the application's workloads and claims, so this run starts from an empty
// application namespace and the order is measured from scratch.
func cleanGitOps(t *testing.T, ctx context.Context, c *cluster) {
	t.Helper()
	for _, name := range []string{rootApp, appApp, policiesApp} {
		ri := c.dyn.Resource(applicationGVR).Namespace(argoCDNamespace)
		if _, err := ri.Get(ctx, name, metav1.GetOptions{}); err != nil {
			continue
		}
		_, _ = ri.Patch(ctx, name, types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
		_ = ri.Delete(ctx, name, metav1.DeleteOptions{})
	}
	for _, g := range []func() error{
		func() error {
			return c.dyn.Resource(validatingPolicyGVR).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		},
		func() error {
			return c.dyn.Resource(imageValidatingPolicyGVR).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		},
		func() error {
			return c.kube.AppsV1().Deployments(appNamespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		},
		func() error {
			return c.kube.AppsV1().StatefulSets(appNamespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		},
		func() error {
			return c.kube.CoreV1().Pods(appNamespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		},
		func() error {
			return c.kube.CoreV1().PersistentVolumeClaims(appNamespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		},
	} {
		if err := g(); err != nil && !apierrors.IsNotFound(err) {
			t.Logf("clean up: %v", err)
		}
	}
	waitFor(t, "application namespace empty of pods", 3*time.Minute, func() (bool, string, error) {
		pods, err := c.kube.CoreV1().Pods(appNamespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return apierrors.IsNotFound(err), err.Error(), nil
		}
		return len(pods.Items) == 0, fmt.Sprintf("%d pods left", len(pods.Items)), nil
	})
}

// removeGitOps deletes what the scenario made, as an operator removes Taskboard: the root first
// (no finalizer: the two Applications stay), then each Application, whose resources finalizer
// makes Argo CD delete its resources; then the claims, which a StatefulSet leaves. The later
// scenarios apply the charts by hand into the same namespaces.
func removeGitOps(t *testing.T, ctx context.Context, c *cluster) {
	t.Helper()
	ri := c.dyn.Resource(applicationGVR).Namespace(argoCDNamespace)
	for _, name := range []string{rootApp, appApp, policiesApp} {
		if err := ri.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("delete Application %s: %v", name, err)
		}
		waitFor(t, "Application "+name+" deleted", 3*time.Minute, func() (bool, string, error) {
			_, err := ri.Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, "", nil
			}
			_, _, msg := appStatus(ctx, c, name)
			return false, short(msg), nil
		})
	}
	for _, name := range []string{rootApp, "taskboard"} {
		pi := c.dyn.Resource(appProjectGVR).Namespace(argoCDNamespace)
		if err := pi.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("delete AppProject %s: %v", name, err)
		}
		waitFor(t, "AppProject "+name+" deleted", time.Minute, func() (bool, string, error) {
			_, err := pi.Get(ctx, name, metav1.GetOptions{})
			return apierrors.IsNotFound(err), fmt.Sprint(err), nil
		})
	}
	if err := c.kube.CoreV1().PersistentVolumeClaims(appNamespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		t.Logf("claims: %v", err)
	}
	left := appWorkloads(t, ctx, c)
	if len(left) > 0 {
		t.Errorf("left after the Applications were deleted: %v", left)
	}
}
