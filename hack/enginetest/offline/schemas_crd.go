package offline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"
)

// crd is the part of an apiextensions.k8s.io/v1 CustomResourceDefinition a schema needs.
type crd struct {
	Kind string `json:"kind"`
	Spec struct {
		Group string `json:"group"`
		Names struct {
			Kind string `json:"kind"`
		} `json:"names"`
		Versions []struct {
			Name   string `json:"name"`
			Served bool   `json:"served"`
			Schema *struct {
				OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
			} `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

var yamlDocSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// crdSchemas adds "<group>/<kind>_<version>.json" to out for every served version of every CRD
// in a (multi-document) YAML file; documents that are not CRDs (kustomization.yaml) are skipped.
func crdSchemas(data []byte, out map[string][]byte) error {
	for _, doc := range yamlDocSeparator.Split(string(data), -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			return err
		}
		var c crd
		if err := json.Unmarshal(js, &c); err != nil || c.Kind != "CustomResourceDefinition" {
			continue
		}
		for _, v := range c.Spec.Versions {
			if !v.Served || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			schema := strictCRDSchema(v.Schema.OpenAPIV3Schema).(map[string]any)
			addObjectMeta(schema)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(schema); err != nil {
				return fmt.Errorf("%s %s: %w", c.Spec.Names.Kind, v.Name, err)
			}
			out[c.Spec.Group+"/"+strings.ToLower(c.Spec.Names.Kind)+"_"+v.Name+".json"] = buf.Bytes()
		}
	}
	return nil
}

// strictCRDSchema turns a structural CRD schema into a JSON schema that refuses the unknown
// fields the API server would prune, and understands the Kubernetes extensions
// (x-kubernetes-int-or-string, nullable, x-kubernetes-preserve-unknown-fields).
func strictCRDSchema(node any) any {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			n[k] = strictCRDSchema(v)
		}
		if n["x-kubernetes-int-or-string"] == true {
			delete(n, "type")
			if _, ok := n["anyOf"]; !ok {
				n["anyOf"] = []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}}
			}
		}
		if n["nullable"] == true {
			if t, ok := n["type"].(string); ok {
				n["type"] = []any{t, "null"}
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

// addObjectMeta makes sure a strict top-level schema still admits apiVersion, kind and metadata,
// which the API server supplies even when a CRD's schema does not spell them out.
func addObjectMeta(schema map[string]any) {
	props, ok := schema["properties"].(map[string]any)
	if !ok {
		return
	}
	for name, s := range map[string]any{
		"apiVersion": map[string]any{"type": "string"},
		"kind":       map[string]any{"type": "string"},
		"metadata":   map[string]any{"type": "object"},
	} {
		if _, ok := props[name]; !ok {
			props[name] = s
		}
	}
}
