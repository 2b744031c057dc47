package scenario

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/version"
)

// Upstream releases whose CRDs the cluster needs before the policies chart and
// argocd-application.yaml can be applied: the versions docs/ tells users to install.
const (
	kyvernoModule = "github.com/kyverno/kyverno@v1.19.1"
	argoCDModule  = "github.com/argoproj/argo-cd/v3@v3.6.2"
)

const (
	appNamespace      = "taskboard"
	policiesNamespace = "kyverno"
	argoCDNamespace   = "argocd"
	dbSecret          = "taskboard-db-credentials" // values-production.yaml: postgresql.auth.existingSecret
)

// TestChartOnCluster applies what production applies, server-side, to a real API server: the
// upstream CRDs, the policies chart and the application chart rendered with the production values,
// and argocd-application.yaml. Then the chart's PostgreSQL pod must run and be Ready under a
// kubelet, with its securityContext and fsGroup on a PersistentVolume.
//
// The PostgreSQL image: TASKBOARD_CLUSTER_POSTGRES_DIGEST set (make test-cluster's own cluster,
// where the hack/airgap stand-in is preloaded under the production reference) pins it by digest, so
// the kubelet uses the local copy (IfNotPresent). Unset (your cluster), the image is docker.io's
// postgres:15.18-alpine, pulled. The StorageClass: production's gp3 is EKS's; the claim uses the
// cluster's default class (TASKBOARD_CLUSTER_STORAGECLASS to choose another).
func TestChartOnCluster(t *testing.T) {
	c := connect(t)
	root := repoRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	sv, err := c.kube.Discovery().ServerVersion()
	if err != nil {
		t.Fatalf("server version: %v", err)
	}
	t.Logf("API server %s (%s)", sv.GitVersion, c.cfg.Host)
	if v, err := version.ParseGeneric(sv.GitVersion); err != nil || v.Major() != 1 || v.Minor() < 29 {
		t.Fatalf("server version %q: want v1.29 or later (the chart's kubeVersion), got %v", sv.GitVersion, err)
	}

	t.Run("crds", func(t *testing.T) {
		applyCRDs(t, ctx, c, upstreamCRDs...)
	})
	if t.Failed() {
		t.FailNow()
	}

	for _, ns := range []string{appNamespace, policiesNamespace, argoCDNamespace} {
		o := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
		if err := c.apply(ctx, o, ""); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("policies", func(t *testing.T) {
		r := render(t, filepath.Join(root, "helm", "policies"), "taskboard-policies", policiesNamespace, sv.GitVersion,
			[]string{filepath.Join(root, "helm", "policies", "values-production.yaml")})
		for _, o := range r.objects {
			if err := c.apply(ctx, o, policiesNamespace); err != nil {
				t.Errorf("refused: %v", err)
			} else {
				t.Logf("applied %s", describe(o))
			}
			for _, w := range c.warn.take() {
				t.Logf("  API server warning for %s: %s", describe(o), w)
			}
		}
	})

	storageClass := os.Getenv("TASKBOARD_CLUSTER_STORAGECLASS")
	if storageClass == "" {
		storageClass = defaultStorageClass(t, ctx, c)
	}
	overrides := []string{fmt.Sprintf("postgresql: {persistence: {storageClass: %q}}", storageClass)}
	if d := os.Getenv("TASKBOARD_CLUSTER_POSTGRES_DIGEST"); d != "" {
		overrides = append(overrides, fmt.Sprintf("postgresql: {image: {digest: %q}}", d))
	} else {
		overrides = append(overrides, `postgresql: {image: {registry: docker.io}}`)
	}
	// Production sizes PostgreSQL and three backends for nodes of several cores (1.6 CPUs of
	// requests). A smaller cluster (make test-cluster's own node has the machine's cores, 2 here)
	// would leave everything scheduled after them Pending: ask for less, the same limits.
	if cpu := allocatableCPU(t, ctx, c); cpu < 4000 {
		overrides = append(overrides, `postgresql: {resources: {requests: {cpu: 250m}}}`, `backend: {resources: {requests: {cpu: 50m}}}`)
		t.Logf("the cluster's nodes offer %dm CPU in all: smaller CPU requests for PostgreSQL and the backend", cpu)
	}
	t.Logf("overrides of the production values for this cluster: %s", strings.Join(overrides, "; "))

	var app rendered
	t.Run("app", func(t *testing.T) {
		app = render(t, filepath.Join(root, "helm", "app"), "taskboard", appNamespace, sv.GitVersion,
			[]string{filepath.Join(root, "helm", "app", "values-production.yaml"), filepath.Join(root, "helm", "testdata", "released-images.yaml")},
			overrides...)
		ensureDBSecret(t, ctx, c)
		for _, o := range app.objects {
			if err := c.apply(ctx, o, appNamespace); err != nil {
				t.Errorf("refused: %v", err)
			} else {
				t.Logf("applied %s", describe(o))
			}
			for _, w := range c.warn.take() {
				t.Logf("  API server warning for %s: %s", describe(o), w)
			}
		}
		for _, h := range app.hooks {
			t.Logf("hook not applied (helm test runs it): %s", describe(h))
		}
	})

	t.Run("argocd-application", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(root, "argocd-application.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range decode(t, "argocd-application.yaml", data) {
			if err := c.apply(ctx, o, argoCDNamespace); err != nil {
				t.Errorf("refused: %v", err)
			} else {
				t.Logf("applied %s", describe(o))
			}
			for _, w := range c.warn.take() {
				t.Logf("  API server warning for %s: %s", describe(o), w)
			}
		}
	})

	t.Run("postgresql-pod", func(t *testing.T) {
		var sts *unstructured.Unstructured
		for _, o := range app.objects {
			if o.GetKind() == "StatefulSet" {
				sts = o
			}
		}
		if sts == nil {
			t.Fatal("the chart rendered no StatefulSet")
		}
		pod := sts.GetName() + "-0"
		// decoded from JSON: numbers are float64
		raw, _, _ := unstructured.NestedFieldNoCopy(sts.Object, "spec", "template", "spec", "securityContext", "fsGroup")
		var fsGroup int64
		switch v := raw.(type) {
		case float64:
			fsGroup = int64(v)
		case int64:
			fsGroup = v
		}
		if fsGroup == 0 {
			t.Fatalf("StatefulSet %s sets no fsGroup", sts.GetName())
		}
		// The StatefulSet rolled out first: on a cluster kept from an earlier run, the pod of the
		// previous template may still be Ready while the new one is being made.
		waitRolledOut(t, ctx, c, appNamespace, "StatefulSet", sts.GetName())
		waitFor(t, "pod "+pod+" Ready", 5*time.Minute, func() (bool, string, error) {
			p, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, pod, metav1.GetOptions{})
			if err != nil {
				return false, err.Error(), nil
			}
			for _, cond := range p.Status.Conditions {
				if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
					return true, "", nil
				}
			}
			return false, podState(p) + "; " + lastEvents(ctx, c, pod), nil
		})
		p, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, pod, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("pod %s Ready on node %s, image %s", pod, p.Spec.NodeName, p.Status.ContainerStatuses[0].ImageID)
		// The data volume is a bound PersistentVolume, and the kubelet gave it the pod's fsGroup.
		for _, v := range p.Spec.Volumes {
			if v.PersistentVolumeClaim == nil {
				continue
			}
			pvc, err := c.kube.CoreV1().PersistentVolumeClaims(appNamespace).Get(ctx, v.PersistentVolumeClaim.ClaimName, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if pvc.Status.Phase != corev1.ClaimBound {
				t.Errorf("claim %s is %s", pvc.Name, pvc.Status.Phase)
			}
			t.Logf("claim %s bound to %s (class %s)", pvc.Name, pvc.Spec.VolumeName, storageClass)
		}
		// The claim's folder is made root:root 0777 by the provisioner: a group of fsGroup with the
		// setgid bit can only come from the kubelet applying the pod's fsGroup to the volume.
		mount := ""
		for _, vm := range p.Spec.Containers[0].VolumeMounts {
			if vm.Name == "data" {
				mount = vm.MountPath
			}
		}
		if mount == "" {
			t.Fatalf("pod %s mounts no volume named data", pod)
		}
		out, err := c.exec(ctx, appNamespace, pod, "postgresql", "sh", "-c",
			`stat -c '%g %a' "$1"; pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"`, "sh", mount)
		t.Logf("inside %s: %s", pod, short(out))
		if err != nil {
			t.Fatalf("exec in %s: %v", pod, err)
		}
		f := strings.Fields(out)
		if len(f) < 2 || f[0] != fmt.Sprint(fsGroup) || !strings.HasPrefix(f[1], "2") {
			t.Errorf("%s is not group %d with setgid (the kubelet's fsGroup): %q", mount, fsGroup, out)
		}
		if !strings.Contains(out, "accepting connections") {
			t.Errorf("PostgreSQL does not accept connections: %q", out)
		}
	})

	// Two clients of the database, both in the application's namespace, both running the
	// PostgreSQL image's client tools: a peer with the labels of the chart's backup Job (which the
	// NetworkPolicies let reach the database and DNS), and a stranger with none of the chart's labels.
	var sts *unstructured.Unstructured
	for _, o := range app.objects {
		if o.GetKind() == "StatefulSet" {
			sts = o
		}
	}
	if sts == nil || t.Failed() {
		t.FailNow()
	}
	peer := clientPod(t, ctx, c, sts, "taskboard-test-peer", componentLabels(t, app.objects, "CronJob", "backup"))
	stranger := clientPod(t, ctx, c, sts, "taskboard-test-stranger", map[string]string{"app.kubernetes.io/name": "taskboard-test-stranger"})

	// The PostgreSQL Service from the peer: a Service's ClusterIP routed by the cluster's proxy
	// (kube-proxy here) to the StatefulSet's pod, and allowed by the NetworkPolicies.
	t.Run("postgresql-service", func(t *testing.T) {
		svcName, _ := postgresql(t, app.objects)
		svc, err := c.kube.CoreV1().Services(appNamespace).Get(ctx, svcName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == corev1.ClusterIPNone {
			t.Fatalf("Service %s has no cluster IP (%q)", svcName, svc.Spec.ClusterIP)
		}
		var out string
		waitFor(t, "PostgreSQL through Service "+svcName+" ("+svc.Spec.ClusterIP+") from "+peer, time.Minute, func() (bool, string, error) {
			ok, o := pgReachable(ctx, c, peer, "client", svc.Spec.ClusterIP, svc.Spec.Ports[0].Port)
			out = o
			return ok, o, nil
		})
		t.Logf("from %s: %s", peer, out)
	})

	// The name the backend is given (POSTGRES_HOST: the Service's short name), resolved by the
	// cluster's DNS (the chart's allow-dns NetworkPolicy: kube-system's k8s-app=kube-dns pods).
	t.Run("postgresql-dns", func(t *testing.T) {
		svcName, _ := postgresql(t, app.objects)
		var out string
		waitFor(t, "PostgreSQL at "+svcName+" (cluster DNS) from "+peer, time.Minute, func() (bool, string, error) {
			ok, o := pgReachable(ctx, c, peer, "client", svcName, 5432)
			out = o
			return ok, o, nil
		})
		t.Logf("from %s: %s", peer, out)
	})

	// The NetworkPolicies, enforced: the stranger is not let in, and the database itself may not
	// connect out (default deny: its only egress is DNS), while the peer above was let through.
	t.Run("network-policies", func(t *testing.T) {
		svcName, pod := postgresql(t, app.objects)
		svc, err := c.kube.CoreV1().Services(appNamespace).Get(ctx, svcName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		port := svc.Spec.Ports[0].Port
		const unenforced = "NetworkPolicies are not enforced by this cluster's network plugin: kind enforces them (kindnet with kube-network-policies, kind v0.24+), so does make test-cluster's own cluster (kube-router); the chart's isolation rests on them"
		for _, probe := range []struct{ from, container, what string }{
			{stranger, "client", "a pod without the chart's labels, to the database"},
			{pod, "postgresql", "the database pod, to its own Service (no egress but DNS)"},
		} {
			if ok, out := pgReachable(ctx, c, probe.from, probe.container, svc.Spec.ClusterIP, port); ok {
				t.Errorf("%s: reached %s:%d: %s. %s", probe.what, svc.Spec.ClusterIP, port, out, unenforced)
			} else if !strings.Contains(out, "no response") {
				t.Errorf("%s: refused in an unexpected way (want a dropped connection, pg_isready's \"no response\"): %s", probe.what, out)
			} else {
				t.Logf("%s: denied: %s", probe.what, out)
			}
		}
		// Pods the chart does not select keep the cluster's DNS: the stranger resolves the name.
		fqdn := svcName + "." + appNamespace + ".svc.cluster.local"
		out, err := c.exec(ctx, appNamespace, stranger, "client", "nslookup", fqdn)
		if err != nil || !strings.Contains(out, svc.Spec.ClusterIP) {
			t.Errorf("the stranger could not resolve %s to %s: %s %v", fqdn, svc.Spec.ClusterIP, short(out), err)
		}
	})

	// What else the production render asked of this cluster, for the record (not asserted: the
	// application images are the release's, in a registry this cluster does not reach yet).
	t.Logf("pods in %s: %s", appNamespace, podsState(ctx, c, appNamespace))
}

// upstreamCRDs are the CRDs the charts and argocd-application.yaml need, from the releases' own
// module zips.
var upstreamCRDs = []moduleSource{
	{kyvernoModule, "config/crds/policies.kyverno.io"},
	{argoCDModule, "manifests/crds"},
}

type moduleSource struct{ mod, dir string }

// applyCRDs applies the CRDs of each module folder server-side and waits for each to be
// Established.
func applyCRDs(t *testing.T, ctx context.Context, c *cluster, srcs ...moduleSource) {
	t.Helper()
	var crds []*unstructured.Unstructured
	var names []string
	for _, src := range srcs {
		files := moduleFiles(t, src.mod, src.dir)
		fileNames := make([]string, 0, len(files))
		for n := range files {
			if !strings.HasSuffix(n, "kustomization.yaml") {
				fileNames = append(fileNames, n)
			}
		}
		sort.Strings(fileNames)
		for _, n := range fileNames {
			crds = append(crds, decode(t, n, files[n])...)
		}
		names = append(names, src.mod+": "+src.dir)
	}
	for _, o := range crds {
		if err := c.apply(ctx, o, ""); err != nil {
			t.Errorf("CRD refused: %v", err)
		}
	}
	crdGVR := gvr("apiextensions.k8s.io", "v1", "customresourcedefinitions")
	for _, o := range crds {
		name := o.GetName()
		waitFor(t, "CRD "+name+" Established", time.Minute, func() (bool, string, error) {
			got, err := c.dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error(), nil
			}
			conds, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
			for _, x := range conds {
				m, _ := x.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return true, "", nil
				}
			}
			return false, "not Established yet", nil
		})
	}
	c.mapper.Reset()
	t.Logf("%d CRDs applied and Established (%s)", len(crds), strings.Join(names, "; "))
}

// postgresql names the chart's PostgreSQL Service with a cluster IP (not the headless one) and
// the first pod of its StatefulSet.
func postgresql(t *testing.T, objs []*unstructured.Unstructured) (service, pod string) {
	t.Helper()
	for _, o := range objs {
		ip, _, _ := unstructured.NestedString(o.Object, "spec", "clusterIP")
		if o.GetKind() == "Service" && strings.Contains(o.GetName(), "postgresql") && ip != corev1.ClusterIPNone {
			service = o.GetName()
		}
		if o.GetKind() == "StatefulSet" {
			pod = o.GetName() + "-0"
		}
	}
	if service == "" || pod == "" {
		t.Fatalf("the chart rendered no PostgreSQL Service (%q) or StatefulSet (%q)", service, pod)
	}
	return service, pod
}

// allocatableCPU is the CPU the cluster's nodes offer to pods, in millicores.
func allocatableCPU(t *testing.T, ctx context.Context, c *cluster) int64 {
	t.Helper()
	nodes, err := c.kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var m int64
	for _, n := range nodes.Items {
		m += n.Status.Allocatable.Cpu().MilliValue()
	}
	return m
}

// defaultStorageClass is the class marked default, or fails saying how to choose one.
func defaultStorageClass(t *testing.T, ctx context.Context, c *cluster) string {
	t.Helper()
	list, err := c.kube.StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sc := range list.Items {
		if isDefault(&sc) {
			return sc.Name
		}
		names = append(names, sc.Name)
	}
	t.Fatalf("the cluster has no default StorageClass (classes: %v): set TASKBOARD_CLUSTER_STORAGECLASS", names)
	return ""
}

func isDefault(sc *storagev1.StorageClass) bool {
	return sc.Annotations["storageclass.kubernetes.io/is-default-class"] == "true"
}

func podState(p *corev1.Pod) string {
	s := string(p.Status.Phase)
	for _, cs := range append(p.Status.InitContainerStatuses, p.Status.ContainerStatuses...) {
		switch {
		case cs.State.Waiting != nil:
			s += fmt.Sprintf(" %s waiting %s %s", cs.Name, cs.State.Waiting.Reason, short(cs.State.Waiting.Message))
		case cs.State.Terminated != nil:
			s += fmt.Sprintf(" %s terminated %s (exit %d)", cs.Name, cs.State.Terminated.Reason, cs.State.Terminated.ExitCode)
		case cs.State.Running != nil:
			s += fmt.Sprintf(" %s running ready=%v", cs.Name, cs.Ready)
		}
	}
	for _, cond := range p.Status.Conditions {
		if cond.Status != corev1.ConditionTrue && cond.Message != "" {
			s += fmt.Sprintf(" [%s: %s]", cond.Type, short(cond.Message))
		}
	}
	return s
}

func lastEvents(ctx context.Context, c *cluster, name string) string {
	ev, err := c.kube.CoreV1().Events(appNamespace).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + name})
	if err != nil || len(ev.Items) == 0 {
		return "no events"
	}
	sort.Slice(ev.Items, func(i, j int) bool { return ev.Items[i].LastTimestamp.Before(&ev.Items[j].LastTimestamp) })
	e := ev.Items[len(ev.Items)-1]
	return fmt.Sprintf("last event %s %s: %s", e.Type, e.Reason, short(e.Message))
}
