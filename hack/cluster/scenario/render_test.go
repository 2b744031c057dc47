package scenario

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// rendered is what `helm template` gives for one chart: the release's manifests, and apart
// from them its hooks (the test pod), which `helm install` does not apply with the rest.
type rendered struct {
	objects []*unstructured.Unstructured
	hooks   []*unstructured.Unstructured
}

// render renders a chart the way `helm template --kube-version <server> -f ... --set ...` does,
// with the schema validated and the chart's kubeVersion checked against the server's version.
func render(t *testing.T, chartDir, release, namespace, serverVersion string, valueFiles []string, overrides ...string) rendered {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	if !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, serverVersion) {
		t.Fatalf("chart %s requires Kubernetes %q; the server is %s", ch.Name(), ch.Metadata.KubeVersion, serverVersion)
	}
	vals := map[string]any{}
	for _, f := range valueFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		vals = loader.MergeMaps(vals, m)
	}
	for _, o := range overrides {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(o), &m); err != nil {
			t.Fatalf("override %q: %v", o, err)
		}
		vals = loader.MergeMaps(vals, m)
	}
	caps := common.DefaultCapabilities.Copy()
	kv, err := common.ParseKubeVersion(serverVersion)
	if err != nil {
		t.Fatal(err)
	}
	caps.KubeVersion = *kv
	opts := common.ReleaseOptions{Name: release, Namespace: namespace, IsInstall: true, Revision: 1}
	rv, err := util.ToRenderValuesWithSchemaValidation(ch, vals, opts, caps, false)
	if err != nil {
		t.Fatalf("%s values: %v", ch.Name(), err)
	}
	files, err := engine.Render(ch, rv)
	if err != nil {
		t.Fatalf("render %s: %v", ch.Name(), err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		if strings.HasSuffix(n, ".yaml") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out rendered
	for _, n := range names {
		for _, o := range decode(t, n, []byte(files[n])) {
			if _, hook := o.GetAnnotations()["helm.sh/hook"]; hook {
				out.hooks = append(out.hooks, o)
			} else {
				out.objects = append(out.objects, o)
			}
		}
	}
	if len(out.objects) == 0 {
		t.Fatalf("chart %s rendered no objects", ch.Name())
	}
	return out
}

func describe(o *unstructured.Unstructured) string {
	return fmt.Sprintf("%s %s", o.GetKind(), o.GetName())
}
