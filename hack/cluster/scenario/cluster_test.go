// Package scenario holds the scenarios of make test-cluster: they run against the cluster that
// KUBECONFIG names (kind, k3d, a dev EKS, or the one-node cluster of ../cluster.sh) and fail,
// never skip, when there is none. They run in the order of their files' numbers, each building on
// the one before: the charts applied (10), the backup drill in a namespace of its own (15: before
// any scenario pulls the PostgreSQL image from the registry, after which the kubelet checks the
// preloaded copy's name against its pull record and pulls again), Kyverno installed and enforcing
// (20), a release's images running under it (30), Argo CD deploying that release from git (40).
package scenario

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

// fieldManager owns every field the scenarios apply, so a second run takes them over cleanly.
const fieldManager = "taskboard-test-cluster"

// cluster is the API server under test, with the clients the scenarios use.
type cluster struct {
	warn   *warnings // the API server's warnings since the last apply
	cfg    *rest.Config
	kube   kubernetes.Interface
	dyn    dynamic.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
}

func connect(t *testing.T) *cluster {
	t.Helper()
	path := os.Getenv("KUBECONFIG")
	if path == "" {
		t.Fatal("KUBECONFIG is not set: run `make test-cluster`, which starts a cluster when there is none, or point KUBECONFIG at yours (kind, k3d, EKS)")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("KUBECONFIG %s: %v", path, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	w := &warnings{}
	cfg.WarningHandler = w
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &cluster{warn: w, cfg: cfg, kube: kube, dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}
}

// warnings keeps the API server's Warning headers, so a scenario reports them with the object
// that caused them instead of client-go printing them to stderr.
type warnings struct {
	mu   sync.Mutex
	text []string
}

func (w *warnings) HandleWarningHeader(code int, agent, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.text = append(w.text, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.text
	w.text = nil
	return t
}

// apply applies one object server-side (as `kubectl apply --server-side --force-conflicts`),
// into namespace ns when the object is namespaced and names none.
func (c *cluster) apply(ctx context.Context, obj *unstructured.Unstructured, ns string) error {
	gvk := obj.GroupVersionKind()
	m, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		c.mapper.Reset() // a CRD applied a moment ago
		if m, err = c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			return fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), err)
		}
	}
	var ri dynamic.ResourceInterface = c.dyn.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		if obj.GetNamespace() == "" {
			obj.SetNamespace(ns)
		}
		ri = c.dyn.Resource(m.Resource).Namespace(obj.GetNamespace())
	}
	_, err = ri.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("%s %s/%s: %w", gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// decode splits a multi-document YAML stream into objects, skipping empty documents.
func decode(t *testing.T, name string, data []byte) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			if err.Error() == "EOF" {
				return out
			}
			t.Fatalf("%s: %v", name, err)
		}
		if len(m) == 0 {
			continue
		}
		out = append(out, &unstructured.Unstructured{Object: m})
	}
}

// moduleFiles reads the YAML files of one folder of a Go module's zip, downloaded through the
// module proxy (GOPROXY) into the module cache: the upstream CRDs come from the release's own
// source. The zip is read as it is, not extracted: extracting Argo CD v3.6.2 needs Go 1.27
// (its go.mod says so), reading its zip does not.
func moduleFiles(t *testing.T, mod, dir string) map[string][]byte {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	var info struct{ Zip, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil || info.Zip == "" {
		t.Fatalf("go mod download %s: %v %s (is the go command on PATH and the module proxy reachable?)", mod, err, info.Error)
	}
	zr, err := zip.OpenReader(info.Zip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	prefix := mod + "/" + dir + "/"
	files := map[string][]byte{}
	for _, f := range zr.File {
		rest, ok := strings.CutPrefix(f.Name, prefix)
		if !ok || strings.Contains(rest, "/") || !strings.HasSuffix(rest, ".yaml") {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = data
	}
	if len(files) == 0 {
		t.Fatalf("no YAML files in %s of %s", dir, info.Zip)
	}
	return files
}

// waitFor polls cond every second until it returns true, an error, or the timeout; the last
// state cond reports is in the failure.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, string, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var state string
	for {
		ok, s, err := cond()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if s != state {
			t.Logf("%s: %s", what, s)
			state = s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s; last: %s", what, timeout, state)
		}
		time.Sleep(time.Second)
	}
}

// repoRoot is the repository's top folder (this package is hack/cluster/scenario).
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Clean(filepath.Join(wd, "..", "..", ".."))
	if _, err := os.Stat(filepath.Join(root, "helm", "app", "Chart.yaml")); err != nil {
		t.Fatalf("repository root not found from %s: %v", wd, err)
	}
	return root
}

func gvr(group, version, resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: group, Version: version, Resource: resource}
}

func short(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
