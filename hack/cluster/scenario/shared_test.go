package scenario

import (
	"context"
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
)

// clusterRegistry is the registry the cluster pulls from (as pods name it), the address the host
// pushes to, and the CA file both serve a certificate of (empty: the system's roots).
func clusterRegistry(t *testing.T) (reg, host, caFile string) {
	t.Helper()
	reg = os.Getenv("TASKBOARD_CLUSTER_REGISTRY")
	if reg == "" {
		t.Fatal("TASKBOARD_CLUSTER_REGISTRY is not set: make test-cluster's own cluster sets it (its registry at 10.86.0.2:5000); on your cluster, name a registry it pulls from (README)")
	}
	host = os.Getenv("TASKBOARD_CLUSTER_REGISTRY_HOST")
	if host == "" {
		host = reg
	}
	return reg, host, os.Getenv("TASKBOARD_CLUSTER_CA")
}

// mkimage builds hack/airgap's image tool (Go's build cache makes a second build instant).
func mkimage(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mkimage")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./hack/airgap/mkimage")
	cmd.Dir, cmd.Env = root, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./hack/airgap/mkimage: %v\n%s", err, out)
	}
	return bin
}

// airgapImage builds (once, cached) one of hack/airgap's images and returns its OCI layout and
// its digest.
func airgapImage(t *testing.T, root, name string) (oci, digest string) {
	t.Helper()
	if out, err := exec.Command("bash", filepath.Join(root, "hack", "airgap", "build.sh"), name).CombinedOutput(); err != nil {
		t.Fatalf("hack/airgap/build.sh %s: %v\n%s", name, err, out)
	}
	dir := filepath.Join(cacheHome(t), "taskboard-airgap", "images", name)
	d, err := os.ReadFile(filepath.Join(dir, "digest"))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "oci"), strings.TrimSpace(string(d))
}

// pushOCI pushes the image of the OCI layout oci to ref with mkimage (mk), trusting caFile.
func pushOCI(t *testing.T, mk, caFile, oci, ref string) {
	t.Helper()
	cmd := exec.Command(mk, "push", oci, ref)
	if caFile != "" {
		cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+caFile)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("push %s: %v\n%s", ref, err, out)
	}
}

// cacheHome is where the build scripts keep their caches (XDG_CACHE_HOME or ~/.cache).
func cacheHome(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return d
	}
	h, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(h, ".cache")
}

// applyTestPolicies applies helm/policies rendered from values-production.yaml (Enforce) with what
// must differ on a test cluster: the release key is pubFile's, the release repositories and the
// third-party prefixes are in reg, and the transparency log is tl (every requirement stays on).
// It waits until Kyverno reports each policy ready.
func applyTestPolicies(t *testing.T, ctx context.Context, c *cluster, root, serverVersion, reg, pubFile string, tl *transparency) {
	t.Helper()
	pub, err := os.ReadFile(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	override, _ := json.Marshal(map[string]any{
		"verifyImageSignatures": map[string]any{
			"publicKeys":      []string{string(pub)},
			"imageReferences": []string{reg + "/taskboard-frontend*", reg + "/taskboard-backend*"},
			"transparencyLog": tl.values(),
		},
		"restrictImageRegistries": map[string]any{
			"allowUnsigned": []string{reg + "/docker-hub/library/postgres:", reg + "/docker-hub/library/busybox:"},
		},
	})
	t.Logf("overrides of helm/policies/values-production.yaml: %s", override)
	r := render(t, filepath.Join(root, "helm", "policies"), "taskboard-policies", policiesNamespace, serverVersion,
		[]string{filepath.Join(root, "helm", "policies", "values-production.yaml")}, string(override))
	for _, o := range r.objects {
		if err := c.apply(ctx, o, policiesNamespace); err != nil {
			t.Fatalf("refused: %v", err)
		}
		for _, w := range c.warn.take() {
			t.Logf("  API server warning for %s: %s", describe(o), w)
		}
	}
	// Kyverno reports each policy ready once its webhook serves it.
	for _, o := range r.objects {
		res := gvr("policies.kyverno.io", "v1", strings.TrimSuffix(strings.ToLower(o.GetKind()), "y")+"ies")
		waitFor(t, describe(o)+" ready in Kyverno", 2*time.Minute, func() (bool, string, error) {
			got, err := c.dyn.Resource(res).Get(ctx, o.GetName(), metav1.GetOptions{})
			if err != nil {
				return false, err.Error(), nil
			}
			ready, _, _ := unstructured.NestedBool(got.Object, "status", "conditionStatus", "ready")
			conds, _, _ := unstructured.NestedSlice(got.Object, "status", "conditionStatus", "conditions")
			b, _ := json.Marshal(conds)
			return ready, short(string(b)), nil
		})
	}
	// A ready image policy is not yet a registered mutating webhook: until it is, a pod named by
	// tag is refused for having no digest (mutateDigest has not run; seen once on a fresh cluster).
	waitFor(t, "Kyverno's image-policy mutating webhook registered", time.Minute, func() (bool, string, error) {
		l, err := c.kube.AdmissionregistrationV1().MutatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		var names []string
		for _, cfg := range l.Items {
			for _, w := range cfg.Webhooks {
				if strings.HasPrefix(w.Name, "ivpol.mutate.kyverno.svc") {
					return true, "", nil
				}
				names = append(names, w.Name)
			}
		}
		return false, strings.Join(names, " "), nil
	})
}

// ensureDBSecret creates the Secret values-production.yaml names, made out of band in production
// (External Secrets / Sealed Secrets).
func ensureDBSecret(t *testing.T, ctx context.Context, c *cluster) {
	t.Helper()
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: dbSecret, Namespace: appNamespace},
		StringData: map[string]string{
			"postgres-password": "test-cluster-only",
			"database-url":      "postgres://taskboard:test-cluster-only@taskboard-postgresql:5432/taskboard?sslmode=disable",
		},
	}
	if _, err := c.kube.CoreV1().Secrets(appNamespace).Create(ctx, secret, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// waitRolledOut waits until a Deployment or StatefulSet of namespace ns has observed its
// generation and every replica is updated and Ready (kubectl rollout status).
func waitRolledOut(t *testing.T, ctx context.Context, c *cluster, ns, kind, name string) {
	t.Helper()
	waitFor(t, kind+" "+name+" rolled out", 5*time.Minute, func() (bool, string, error) {
		var gen, observed int64
		var want, updated, ready int32 = 1, 0, 0
		extra := ""
		switch kind {
		case "Deployment":
			d, err := c.kube.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error(), nil
			}
			if d.Spec.Replicas != nil {
				want = *d.Spec.Replicas
			}
			gen, observed, updated, ready = d.Generation, d.Status.ObservedGeneration, d.Status.UpdatedReplicas, d.Status.ReadyReplicas
			if d.Status.Replicas != want {
				extra = fmt.Sprintf(", %d pods in all", d.Status.Replicas)
			}
		case "StatefulSet":
			s, err := c.kube.AppsV1().StatefulSets(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error(), nil
			}
			if s.Spec.Replicas != nil {
				want = *s.Spec.Replicas
			}
			gen, observed, updated, ready = s.Generation, s.Status.ObservedGeneration, s.Status.UpdatedReplicas, s.Status.ReadyReplicas
			if s.Status.UpdateRevision != s.Status.CurrentRevision {
				extra = ", revision " + s.Status.CurrentRevision + " -> " + s.Status.UpdateRevision
			}
		default:
			return false, "", fmt.Errorf("waitRolledOut: %s is neither a Deployment nor a StatefulSet", kind)
		}
		if want == 0 {
			return false, "", fmt.Errorf("%s %s has 0 replicas: nothing to roll out", kind, name)
		}
		done := observed >= gen && updated == want && ready == want && extra == ""
		return done, fmt.Sprintf("generation %d observed %d, updated %d ready %d of %d%s; %s", gen, observed, updated, ready, want, extra,
			podsState(ctx, c, ns)), nil
	})
}
