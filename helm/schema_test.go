package helm

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes/scheme"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// Built-in kinds are checked by strict decoding into k8s.io/api's typed objects (unknown or
// duplicated fields and wrong types fail). Kyverno and Argo CD kinds are checked against the
// OpenAPI schema of their CRDs, taken from the upstream modules in the Go module cache and
// made strict (additionalProperties: false wherever the CRD does not preserve unknown fields).
var crdSources = []struct{ module, version, dir string }{
	{"github.com/kyverno/kyverno", "v1.19.1", "config/crds/policies.kyverno.io"},
	{"github.com/argoproj/argo-cd/v3", "v3.5.0", "manifests/crds"},
}

// validateObject checks one rendered object against the Kubernetes schema of its kind.
func validateObject(t *testing.T, o object) error {
	t.Helper()
	if o.Name == "" {
		return fmt.Errorf("%s: metadata.name is empty", o)
	}
	if errs := validation.IsDNS1123Subdomain(o.Name); len(errs) > 0 {
		return fmt.Errorf("%s: metadata.name: %s", o, strings.Join(errs, "; "))
	}
	gvk := schema.FromAPIVersionAndKind(o.APIVersion, o.Kind)
	if scheme.Scheme.Recognizes(gvk) {
		typed, err := scheme.Scheme.New(gvk)
		if err != nil {
			return err
		}
		strictErrs, err := sigsjson.UnmarshalStrict(o.JSON, typed)
		if err != nil {
			return fmt.Errorf("%s: %w", o, err)
		}
		if len(strictErrs) > 0 {
			return fmt.Errorf("%s: %v", o, strictErrs)
		}
		return nil
	}
	sch, ok := crdSchemas(t)[gvk]
	if !ok {
		return fmt.Errorf("%s: no schema known for %s", o, gvk)
	}
	var doc any
	if err := json.Unmarshal(o.JSON, &doc); err != nil {
		return err
	}
	if err := sch.Validate(doc); err != nil {
		return fmt.Errorf("%s: %v", o, err)
	}
	return nil
}

var (
	crdOnce     sync.Once
	crdCompiled map[schema.GroupVersionKind]*jsonschema.Schema
	crdErr      error
)

// crdSchemas compiles the CRD schemas once per test run.
func crdSchemas(t *testing.T) map[schema.GroupVersionKind]*jsonschema.Schema {
	t.Helper()
	crdOnce.Do(func() { crdCompiled, crdErr = loadCRDSchemas() })
	if crdErr != nil {
		t.Fatalf("loading CRD schemas: %v", crdErr)
	}
	return crdCompiled
}

func loadCRDSchemas() (map[schema.GroupVersionKind]*jsonschema.Schema, error) {
	out := map[schema.GroupVersionKind]*jsonschema.Schema{}
	for _, src := range crdSources {
		dir, err := moduleDir(src.module, src.version)
		if err != nil {
			return nil, err
		}
		files, err := filepath.Glob(filepath.Join(dir, src.dir, "*.yaml"))
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("no CRD in %s/%s (%v)", dir, src.dir, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			var crd apiextensionsv1.CustomResourceDefinition
			if err := yaml.Unmarshal(data, &crd); err != nil || crd.Kind != "CustomResourceDefinition" {
				continue // kustomization.yaml and friends
			}
			for _, v := range crd.Spec.Versions {
				if !v.Served || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
					continue
				}
				raw, err := json.Marshal(v.Schema.OpenAPIV3Schema)
				if err != nil {
					return nil, err
				}
				var node any
				if err := json.Unmarshal(raw, &node); err != nil {
					return nil, err
				}
				gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
				c := jsonschema.NewCompiler()
				url := "mem://" + gvk.String() + ".json"
				if err := c.AddResource(url, strictCRDSchema(node)); err != nil {
					return nil, fmt.Errorf("%s: %w", gvk, err)
				}
				compiled, err := c.Compile(url)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", gvk, err)
				}
				out[gvk] = compiled
			}
		}
	}
	return out, nil
}

// strictCRDSchema turns a structural CRD schema into a JSON schema that refuses unknown
// fields (the API server would silently prune them) and understands the Kubernetes extensions.
// hack/enginetest/offline has the same function for its CRD schema source: a module of its own,
// which importing this one would move a score of its dependencies.
func strictCRDSchema(node any) any {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			n[k] = strictCRDSchema(v)
		}
		if n["x-kubernetes-int-or-string"] == true {
			delete(n, "type")
			if _, ok := n["anyOf"]; !ok { // a CRD may spell it out, with constraints of its own
				n["anyOf"] = []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}}
			}
		}
		if n["nullable"] == true {
			if typ, ok := n["type"].(string); ok {
				n["type"] = []any{typ, "null"}
			}
		}
		_, hasProps := n["properties"]
		_, hasAdditional := n["additionalProperties"]
		if hasProps && !hasAdditional && n["x-kubernetes-preserve-unknown-fields"] != true {
			n["additionalProperties"] = false
		}
		return n
	case []any:
		for i, v := range n {
			n[i] = strictCRDSchema(v)
		}
		return n
	default:
		return node
	}
}

// moduleDir downloads (or finds in the module cache) one module version and returns its
// directory. It needs the Go module proxy the first time.
func moduleDir(module, version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = os.TempDir() // outside our module: no go.mod is touched
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s failed (%v): %s %s", module, version, err, info.Error, out)
	}
	return info.Dir, nil
}

func TestRenderedObjectsMatchKubernetesSchemas(t *testing.T) {
	cases := []struct {
		name   string
		chart  string
		values []string
	}{
		{"app defaults", appChart, appDefaultValues},
		{"app production", appChart, appProductionValues},
		{"policies defaults", policiesChart, policiesCIValues},
		{"policies production", policiesChart, policiesProdValues},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, o := range mustRender(t, tc.chart, tc.values) {
				if err := validateObject(t, o); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// The validator must refuse what the API server would refuse or silently drop.
func TestSchemaValidationRefusesBadObjects(t *testing.T) {
	bad := map[string]string{
		"unknown field in a Deployment":   `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},"spec":{"replica":2,"selector":{},"template":{}}}`,
		"wrong type in a Service":         `{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"ports":[{"port":"eighty"}]}}`,
		"field with the wrong case":       `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"Containers":[]}}`,
		"unknown field in a policy":       `{"apiVersion":"policies.kyverno.io/v1","kind":"ValidatingPolicy","metadata":{"name":"x"},"spec":{"validationAction":["Deny"]}}`,
		"wrong type in a policy":          `{"apiVersion":"policies.kyverno.io/v1","kind":"ImageValidatingPolicy","metadata":{"name":"x"},"spec":{"matchImageReferences":[{"glob":"*"}],"attestors":[],"attestations":[],"validations":[],"validationConfigurations":{"mutateDigest":"yes"}}}`,
		"unknown field in an Application": `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":{"name":"x"},"spec":{"project":"p","destination":{},"source":{"repoURL":"r"},"syncPolicy":{"automatic":{}}}}`,
		"unknown kind":                    `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"x"}}`,
		"bad object name":                 `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_A_Name"}}`,
	}
	for name, doc := range bad {
		t.Run(name, func(t *testing.T) {
			objs, err := parseManifests(map[string]string{"bad.yaml": doc})
			if err != nil || len(objs) != 1 {
				t.Fatalf("parse: %v", err)
			}
			if err := validateObject(t, objs[0]); err == nil {
				t.Errorf("accepted: %s", doc)
			} else {
				t.Logf("refused as expected: %v", err)
			}
		})
	}
}
