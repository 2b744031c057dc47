// Package helm holds the tests of the charts in this directory: they render the charts with
// Helm's own engine (Go SDK, in process) and check what comes out, offline.
package helm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const (
	appChart      = "app"
	policiesChart = "policies"
	releaseName   = "taskboard"
	namespace     = "taskboard"
	// The oldest Kubernetes the charts support (Chart.yaml kubeVersion); Helm's test builds
	// would otherwise pretend to be v1.20.
	kubeVersion = "v1.29.0"
)

// The value sets every test renders: the chart defaults completed by the CI file (the
// defaults carry no password on purpose), and the production-like file with the image tags and
// digests a release writes into values.yaml.
var (
	appDefaultValues    = []string{"app/ci/test-values.yaml"}
	appProductionValues = []string{"app/values-production.yaml", "testdata/released-images.yaml"}
	policiesCIValues    = []string{"policies/ci/test-values.yaml"}
	policiesProdValues  = []string{"policies/values-production.yaml"}
)

// object is one rendered Kubernetes document.
type object struct {
	Source     string // template file it came from
	APIVersion string
	Kind       string
	Name       string
	JSON       []byte
	Fields     map[string]any
}

func (o object) String() string { return fmt.Sprintf("%s %s (%s)", o.Kind, o.Name, o.Source) }

// capabilities is what the render pretends the cluster is.
func capabilities() *common.Capabilities {
	caps := common.DefaultCapabilities.Copy()
	kv, err := common.ParseKubeVersion(kubeVersion)
	if err != nil {
		panic(err)
	}
	caps.KubeVersion = *kv
	return caps
}

// readValues merges the value files (later wins) and then the YAML overrides.
func readValues(files []string, overrides ...string) (map[string]any, error) {
	merged := map[string]any{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		merged = loader.MergeMaps(merged, m)
	}
	for _, o := range overrides {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(o), &m); err != nil {
			return nil, fmt.Errorf("override %q: %w", o, err)
		}
		merged = loader.MergeMaps(merged, m)
	}
	return merged, nil
}

// renderChart renders a chart directory the way `helm template` does (schema validation on)
// and returns the manifests by template name.
func renderChart(chartDir string, valueFiles []string, overrides ...string) (map[string]string, error) {
	ch, err := loader.Load(chartDir)
	if err != nil {
		return nil, err
	}
	// What `helm install` checks before rendering.
	if !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, kubeVersion) {
		return nil, fmt.Errorf("chart %s requires Kubernetes %q, not %s", ch.Name(), ch.Metadata.KubeVersion, kubeVersion)
	}
	vals, err := readValues(valueFiles, overrides...)
	if err != nil {
		return nil, err
	}
	opts := common.ReleaseOptions{Name: releaseName, Namespace: namespace, IsInstall: true, Revision: 1}
	rv, err := util.ToRenderValuesWithSchemaValidation(ch, vals, opts, capabilities(), false)
	if err != nil {
		return nil, err
	}
	return engine.Render(ch, rv)
}

// parseManifests splits rendered templates into objects, in a stable order.
func parseManifests(rendered map[string]string) ([]object, error) {
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		if strings.HasSuffix(name, ".yaml") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var objs []object
	for _, name := range names {
		r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(rendered[name])))
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			js, err := yaml.YAMLToJSON(doc)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if len(bytes.TrimSpace(js)) == 0 || string(bytes.TrimSpace(js)) == "null" {
				continue
			}
			var fields map[string]any
			if err := yaml.Unmarshal(js, &fields); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			o := object{Source: name, JSON: js, Fields: fields}
			o.APIVersion, _ = fields["apiVersion"].(string)
			o.Kind, _ = fields["kind"].(string)
			if md, ok := fields["metadata"].(map[string]any); ok {
				o.Name, _ = md["name"].(string)
			}
			objs = append(objs, o)
		}
	}
	return objs, nil
}

// mustRender renders and parses a chart, failing the test on any error.
func mustRender(t *testing.T, chart string, valueFiles []string, overrides ...string) []object {
	t.Helper()
	rendered, err := renderChart(chart, valueFiles, overrides...)
	if err != nil {
		t.Fatalf("render %s with %v: %v", chart, valueFiles, err)
	}
	objs, err := parseManifests(rendered)
	if err != nil {
		t.Fatalf("parse %s: %v", chart, err)
	}
	if len(objs) == 0 {
		t.Fatalf("render %s with %v produced no object", chart, valueFiles)
	}
	return objs
}

// writeManifests writes objects as one multi-document YAML file in dir and returns its path.
func writeManifests(t *testing.T, dir, name string, objs []object) string {
	t.Helper()
	var buf bytes.Buffer
	for _, o := range objs {
		y, err := yaml.JSONToYAML(o.JSON)
		if err != nil {
			t.Fatal(err)
		}
		buf.WriteString("---\n")
		buf.Write(y)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// find returns the objects of one kind.
func find(objs []object, kind string) []object {
	var out []object
	for _, o := range objs {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// get returns the single object of a kind and name, failing the test when absent.
func get(t *testing.T, objs []object, kind, name string) object {
	t.Helper()
	for _, o := range objs {
		if o.Kind == kind && o.Name == name {
			return o
		}
	}
	t.Fatalf("no %s %q rendered", kind, name)
	return object{}
}

// Both charts declare the Kubernetes versions they support (Chart.yaml kubeVersion): 1.29
// and later, EKS-style pre-release suffixes included.
func TestChartsDeclareSupportedKubernetes(t *testing.T) {
	for _, chart := range []string{appChart, policiesChart} {
		ch, err := loader.Load(chart)
		if err != nil {
			t.Fatal(err)
		}
		for v, want := range map[string]bool{"v1.28.9": false, "v1.29.0": true, "v1.33.4-eks-1": true} {
			if got := chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, v); got != want {
				t.Errorf("%s kubeVersion %q accepts %s = %v, want %v", chart, ch.Metadata.KubeVersion, v, got, want)
			}
		}
	}
}
