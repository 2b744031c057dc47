package scenario

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestReleaseOnCluster runs the application as a release leaves it, under the production policies
// enforced by Kyverno (installed by TestKyvernoAdmission, which make test-cluster runs first):
// images in the registry the cluster pulls from, the application's two signed with the release
// key with every attestation, each in the transparency log, PostgreSQL and busybox unsigned under
// the allowed prefixes, and helm/app rendered from
// values-production.yaml with those references. Every pod must become Ready, the chart's
// `helm test` pod must pass, a task created through the frontend Service must be listed back,
// and it must still be there after the PostgreSQL pod is deleted and comes back.
//
// The backend and frontend images are built from this checkout as their Dockerfiles build them
// (images.sh), not by the Dagger release: what reaches the cluster is the same kind of artifact,
// signed the way the release signs (cosign, `.sig` tag).
func TestReleaseOnCluster(t *testing.T) {
	c := connect(t)
	root := repoRoot(t)
	reg, regHost, caFile := clusterRegistry(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	sv, err := c.kube.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, "kyverno-resource-validating-webhook-cfg", metav1.GetOptions{}); err != nil {
		t.Fatalf("Kyverno's webhooks are not registered (%v): TestKyvernoAdmission installs Kyverno; run it first (make test-cluster does)", err)
	}

	// The images: what the release pushes, and the two third-party ones its values name.
	mk := mkimage(t, root)
	images := map[string]*releasedImage{
		"backend":  {repo: "taskboard-backend", tag: "cluster"},
		"frontend": {repo: "taskboard-frontend", tag: "cluster"},
		"postgres": {repo: "docker-hub/library/postgres", tag: "15.18-alpine"},
		"busybox":  {repo: "docker-hub/library/busybox", tag: "1.37.0"},
	}
	out, err := exec.Command("bash", filepath.Join(root, "hack", "cluster", "images.sh"), "backend", "frontend").Output()
	if err != nil {
		t.Fatalf("hack/cluster/images.sh backend frontend: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line) // NAME built|cached DIGEST DIR
		if len(f) >= 4 && images[f[0]] != nil {
			images[f[0]].oci, images[f[0]].digest = filepath.Join(f[3], "oci"), f[2]
		}
	}
	for _, n := range []string{"postgres", "busybox"} {
		images[n].oci, images[n].digest = airgapImage(t, root, n)
	}
	for _, n := range []string{"backend", "frontend", "postgres", "busybox"} {
		im := images[n]
		if im.oci == "" {
			t.Fatalf("no %s image built", n)
		}
		pushOCI(t, mk, caFile, im.oci, regHost+"/"+im.repo+":"+im.tag)
		t.Logf("pushed %s/%s:%s@%s", reg, im.repo, im.tag, im.digest)
	}
	// A second release of both components (the same files, a manifest of its own: another
	// digest), for the GitOps scenario's values commit.
	second := map[string]*releasedImage{}
	for _, n := range []string{"backend", "frontend"} {
		im := &releasedImage{repo: images[n].repo, tag: secondTag}
		im.oci, im.digest = variantImage(t, images[n].oci, secondTag)
		pushOCI(t, mk, caFile, im.oci, regHost+"/"+im.repo+":"+im.tag)
		t.Logf("pushed %s/%s:%s@%s", reg, im.repo, im.tag, im.digest)
		second[n] = im
	}
	cosign := tool(t, root, "tool-cosign.sh")
	release := cosignKeyPair(t, cosign)
	tl := theLog(t, ctx, c, root, reg, regHost, caFile)
	predicates := releaseAttestations(t, root)
	for _, im := range []*releasedImage{images["backend"], images["frontend"], second["backend"], second["frontend"]} {
		cosignRelease(t, cosign, caFile, release, regHost+"/"+im.repo+"@"+im.digest, tl, predicates)
	}

	// The production policies, trusting this release's key (TestKyvernoAdmission's key is gone).
	applyTestPolicies(t, ctx, c, root, sv.GitVersion, reg, filepath.Join(release, "cosign.pub"), tl)
	pub, err := os.ReadFile(filepath.Join(release, "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(release, "cosign.key"))
	if err != nil {
		t.Fatal(err)
	}
	released = &releaseState{reg: reg, pub: pub, key: key, images: images, second: second}

	// The application, as Argo CD renders it, with the references the release would write.
	var app rendered
	t.Run("app", func(t *testing.T) {
		ref := func(n string) map[string]any {
			return map[string]any{"repository": reg + "/" + images[n].repo, "tag": images[n].tag, "digest": images[n].digest}
		}
		override, _ := json.Marshal(map[string]any{
			"frontend": map[string]any{"image": ref("frontend")},
			"backend":  map[string]any{"image": ref("backend"), "resources": map[string]any{"requests": map[string]any{"cpu": "50m"}}},
			"postgresql": map[string]any{
				"image":       map[string]any{"registry": reg + "/docker-hub", "digest": images["postgres"].digest},
				"persistence": map[string]any{"storageClass": defaultStorageClass(t, ctx, c)},
				"resources":   map[string]any{"requests": map[string]any{"cpu": "250m"}},
			},
			"tests": map[string]any{"image": map[string]any{"registry": reg + "/docker-hub", "digest": images["busybox"].digest}},
		})
		t.Logf("overrides of values-production.yaml: %s", override)
		app = render(t, filepath.Join(root, "helm", "app"), "taskboard", appNamespace, sv.GitVersion,
			[]string{filepath.Join(root, "helm", "app", "values-production.yaml")}, string(override))
		ensureDBSecret(t, ctx, c)
		start := time.Now()
		for _, o := range app.objects {
			if err := c.apply(ctx, o, appNamespace); err != nil {
				t.Fatalf("refused: %v", err)
			}
		}
		unidle(t, ctx, c, app.objects)
		for _, o := range app.objects {
			switch o.GetKind() {
			case "Deployment", "StatefulSet":
				waitRolledOut(t, ctx, c, appNamespace, o.GetKind(), o.GetName())
			}
		}
		t.Logf("release applied to every pod Ready: %d s", int(time.Since(start).Seconds()))
		t.Logf("pods: %s", podsState(ctx, c, appNamespace))
	})
	if t.Failed() {
		t.FailNow()
	}

	t.Run("helm-test", func(t *testing.T) {
		for _, h := range app.hooks {
			if h.GetKind() != "Pod" {
				continue
			}
			_ = c.kube.CoreV1().Pods(appNamespace).Delete(ctx, h.GetName(), metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
			waitFor(t, "an earlier "+h.GetName()+" gone", time.Minute, func() (bool, string, error) {
				_, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, h.GetName(), metav1.GetOptions{})
				return apierrors.IsNotFound(err), fmt.Sprint(err), nil
			})
			if err := c.apply(ctx, h, appNamespace); err != nil {
				t.Fatalf("helm test pod refused: %v", err)
			}
			waitFor(t, "helm test pod "+h.GetName()+" Succeeded", 3*time.Minute, func() (bool, string, error) {
				p, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, h.GetName(), metav1.GetOptions{})
				if err != nil {
					return false, err.Error(), nil
				}
				if p.Status.Phase == corev1.PodFailed {
					return false, "", fmt.Errorf("failed: %s; log: %s", podState(p), podLog(ctx, c, h.GetName()))
				}
				return p.Status.Phase == corev1.PodSucceeded, podState(p), nil
			})
			t.Logf("helm test pod %s Succeeded: %s", h.GetName(), short(podLog(ctx, c, h.GetName())))
		}
	})

	// A client with the labels of the chart's test pod: the NetworkPolicies let it reach the
	// frontend (and the backend), as they let the load balancer.
	var hook *unstructured.Unstructured
	for _, h := range app.hooks {
		if h.GetKind() == "Pod" {
			hook = h
		}
	}
	if hook == nil {
		t.Fatal("the chart rendered no helm test pod")
	}
	client := testClient(t, ctx, c, hook)
	frontend := ""
	for _, o := range app.objects {
		if o.GetKind() == "Service" && strings.HasSuffix(o.GetName(), "-frontend") {
			frontend = o.GetName()
		}
	}
	title := fmt.Sprintf("released to the cluster at %s", time.Now().UTC().Format(time.RFC3339))

	t.Run("task-through-frontend", func(t *testing.T) {
		body, _ := json.Marshal(map[string]string{"title": title})
		out, err := c.exec(ctx, appNamespace, client, "wget", "wget", "-q", "-T", "10", "-O", "-",
			"--header", "Content-Type: application/json", "--post-data", string(body), "http://"+frontend+"/api/tasks")
		if err != nil {
			t.Fatalf("POST /api/tasks through Service %s: %v %s", frontend, err, out)
		}
		t.Logf("created: %s", short(out))
		listed(t, ctx, c, client, frontend, title)
	})

	t.Run("postgresql-pod-deleted", func(t *testing.T) {
		_, pod := postgresql(t, app.objects)
		old, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, pod, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.kube.CoreV1().Pods(appNamespace).Delete(ctx, pod, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "pod "+pod+" back and Ready", 5*time.Minute, func() (bool, string, error) {
			p, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, pod, metav1.GetOptions{})
			if err != nil {
				return false, err.Error(), nil
			}
			if p.UID == old.UID {
				return false, "the old pod is still there: " + podState(p), nil
			}
			for _, cond := range p.Status.Conditions {
				if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
					return true, "", nil
				}
			}
			return false, podState(p), nil
		})
		listed(t, ctx, c, client, frontend, title)
	})
}

// releasedImage is one image of the release in the node's registry.
type releasedImage struct{ repo, tag, oci, digest string }

// releaseState is what TestReleaseOnCluster left in the registry and the key that signed it: the
// GitOps scenario's fork names them in its values.
type releaseState struct {
	reg    string
	pub    []byte
	key    []byte // the private key (cosign.key, empty password): a fork's release signs with it
	images map[string]*releasedImage
	second map[string]*releasedImage // the next release of each component
}

var released *releaseState

// secondTag is the tag of the second release, the GitOps scenario's values commit.
const secondTag = "cluster-2"

// variantImage copies the OCI layout src with its one image manifest annotated as version: the
// same config and layers under a manifest, and so a digest, of its own. It returns the copy's
// folder and the new manifest's digest.
func variantImage(t *testing.T, src, version string) (dir, digest string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "oci")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp %s: %v %s", src, err, out)
	}
	var index map[string]any
	readJSON(t, filepath.Join(dir, "index.json"), &index)
	descs, _ := index["manifests"].([]any)
	if len(descs) != 1 {
		t.Fatalf("%s: want one manifest, got %d", src, len(descs))
	}
	desc := descs[0].(map[string]any)
	var manifest map[string]any
	readJSON(t, filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(desc["digest"].(string), "sha256:")), &manifest)
	manifest["annotations"] = map[string]any{"org.opencontainers.image.version": version}
	data, err := json.Marshal(manifest)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	digest = "sha256:" + hex.EncodeToString(sum[:])
	if err := os.WriteFile(filepath.Join(dir, "blobs", "sha256", hex.EncodeToString(sum[:])), data, 0o644); err != nil {
		t.Fatal(err)
	}
	desc["digest"], desc["size"] = digest, len(data)
	out, err := json.Marshal(index)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, digest
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// listed fails unless GET /api/tasks through the frontend Service lists a task titled title (the
// backend reconnects to a PostgreSQL that came back: bounded retries).
func listed(t *testing.T, ctx context.Context, c *cluster, client, frontend, title string) {
	t.Helper()
	waitFor(t, "the task listed through Service "+frontend, 2*time.Minute, func() (bool, string, error) {
		out, err := c.exec(ctx, appNamespace, client, "wget", "wget", "-q", "-T", "10", "-O", "-", "http://"+frontend+"/api/tasks?limit=100")
		if err != nil {
			return false, short(out) + " " + err.Error(), nil
		}
		return strings.Contains(out, title), short(out), nil
	})
}

// testClient starts a pod like the chart's helm test pod (its image, labels, security settings and
// limits) that only waits, for the scenario to exec wget in; it returns its name.
func testClient(t *testing.T, ctx context.Context, c *cluster, hook *unstructured.Unstructured) string {
	t.Helper()
	var p corev1.Pod
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(hook.Object, &p); err != nil {
		t.Fatal(err)
	}
	name := p.Name + "-client"
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: appNamespace, Labels: p.Labels},
		Spec:       *p.Spec.DeepCopy(),
	}
	pod.Spec.RestartPolicy = corev1.RestartPolicyNever
	pod.Spec.TerminationGracePeriodSeconds = ptr(int64(0))
	pod.Spec.Containers[0].Command = []string{"sh", "-c", "exec sleep 3600"}
	pod.Spec.Containers[0].Args = nil
	_ = c.kube.CoreV1().Pods(appNamespace).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
	waitFor(t, "an earlier "+name+" gone", time.Minute, func() (bool, string, error) {
		_, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), fmt.Sprint(err), nil
	})
	if _, err := c.kube.CoreV1().Pods(appNamespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("client pod refused: %v", err)
	}
	t.Cleanup(func() {
		_ = c.kube.CoreV1().Pods(appNamespace).Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
	})
	waitFor(t, "pod "+name+" running", 2*time.Minute, func() (bool, string, error) {
		got, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		return got.Status.Phase == corev1.PodRunning, podState(got), nil
	})
	return name
}

func podLog(ctx context.Context, c *cluster, pod string) string {
	b, err := c.kube.CoreV1().Pods(appNamespace).GetLogs(pod, &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// unidle gives back their replicas to the Deployments an earlier scenario scaled to zero (idle):
// the chart leaves replicas to its HorizontalPodAutoscalers, and an autoscaler does not scale a
// Deployment up from zero. Each gets its autoscaler's minimum (1 without one).
func unidle(t *testing.T, ctx context.Context, c *cluster, objs []*unstructured.Unstructured) {
	t.Helper()
	min := map[string]int64{}
	for _, o := range objs {
		if o.GetKind() == "HorizontalPodAutoscaler" {
			target, _, _ := unstructured.NestedString(o.Object, "spec", "scaleTargetRef", "name")
			n, _, _ := unstructured.NestedFieldNoCopy(o.Object, "spec", "minReplicas")
			switch v := n.(type) {
			case int64:
				min[target] = v
			case float64:
				min[target] = int64(v)
			}
		}
	}
	for _, o := range objs {
		if o.GetKind() != "Deployment" {
			continue
		}
		s, err := c.kube.AppsV1().Deployments(appNamespace).GetScale(ctx, o.GetName(), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Spec.Replicas > 0 {
			continue
		}
		s.Spec.Replicas = 1
		if m := min[o.GetName()]; m > 0 {
			s.Spec.Replicas = int32(m)
		}
		if _, err := c.kube.AppsV1().Deployments(appNamespace).UpdateScale(ctx, o.GetName(), s, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("scale %s: %v", o.GetName(), err)
		}
		t.Logf("Deployment %s scaled from 0 (an earlier scenario) to %d", o.GetName(), s.Spec.Replicas)
	}
}
