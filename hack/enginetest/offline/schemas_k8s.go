package offline

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Definitions of the Kubernetes OpenAPI v2 spec that JSON schema cannot take as written.
const (
	quantityDef    = "io.k8s.apimachinery.pkg.api.resource.Quantity"
	intOrStringFmt = "int-or-string"
)

// kubernetesSchemas turns a Kubernetes swagger.json into kubeconform's layout:
// "<version>-standalone[-strict]/<kind><kindsuffix>.json" for every kind of every group version
// the spec declares (x-kubernetes-group-version-kind).
//
// standalone: every $ref is inlined. A type that contains itself (JSONSchemaProps, the schema of
// a CRD) is inlined once and accepts anything where it recurs.
// strict: every object with properties gets additionalProperties: false, so unknown fields fail.
// As the API server does, optional fields also accept null, Quantity accepts numbers, and
// IntOrString accepts integers.
func kubernetesSchemas(spec []byte, version string) (map[string][]byte, error) {
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("swagger.json: %w", err)
	}
	if len(doc.Definitions) == 0 {
		return nil, fmt.Errorf("swagger.json has no definitions")
	}
	out := map[string][]byte{}
	for _, strict := range []bool{false, true} {
		dir := version + "-standalone"
		if strict {
			dir += "-strict"
		}
		x := &inliner{defs: doc.Definitions, strict: strict, done: map[string]map[string]any{}, visiting: map[string]bool{}}
		for _, name := range slices.Sorted(maps.Keys(doc.Definitions)) {
			gvks, _ := doc.Definitions[name]["x-kubernetes-group-version-kind"].([]any)
			if len(gvks) == 0 {
				continue
			}
			schema := x.def(name)
			data, err := marshalSchema(schema)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			for _, g := range gvks {
				gvk, _ := g.(map[string]any)
				group, _ := gvk["group"].(string)
				ver, _ := gvk["version"].(string)
				kind, _ := gvk["kind"].(string)
				if ver == "" || kind == "" {
					return nil, fmt.Errorf("%s: bad x-kubernetes-group-version-kind %v", name, g)
				}
				out[dir+"/"+strings.ToLower(kind)+kindSuffix(group, ver)+".json"] = data
			}
		}
	}
	return out, nil
}

// kindSuffix is kubeconform's KindSuffix: "-<first label of the group>-<version>", or
// "-<version>" for the core group ("apps/v1" → "-apps-v1", "networking.k8s.io/v1" →
// "-networking-v1", "v1" → "-v1").
func kindSuffix(group, version string) string {
	if group == "" {
		return "-" + strings.ToLower(version)
	}
	first, _, _ := strings.Cut(group, ".")
	return "-" + strings.ToLower(first) + "-" + strings.ToLower(version)
}

// inliner expands the definitions of one spec, each once (results share subtrees).
type inliner struct {
	defs     map[string]map[string]any
	strict   bool
	done     map[string]map[string]any
	visiting map[string]bool
}

func (x *inliner) def(name string) map[string]any {
	if s, ok := x.done[name]; ok {
		return s
	}
	if x.visiting[name] {
		return map[string]any{} // recursion: anything
	}
	d, ok := x.defs[name]
	if !ok {
		return map[string]any{} // dangling $ref: nothing to check against
	}
	x.visiting[name] = true
	var s map[string]any
	if name == quantityDef {
		// "1", 1 and 0.5 are all quantities to the API server.
		s = map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
		if desc, ok := d["description"]; ok {
			s["description"] = desc
		}
	} else {
		s = x.node(d)
	}
	delete(x.visiting, name)
	x.done[name] = s
	return s
}

// node expands one schema node.
func (x *inliner) node(n map[string]any) map[string]any {
	if ref, ok := n["$ref"].(string); ok {
		target := x.def(strings.TrimPrefix(ref, "#/definitions/"))
		out := maps.Clone(target)
		for k, v := range n {
			if k != "$ref" {
				out[k] = v // description beside the $ref
			}
		}
		return out
	}
	out := make(map[string]any, len(n)+1)
	for k, v := range n {
		switch k {
		case "properties":
			props, _ := v.(map[string]any)
			required := map[string]bool{}
			if req, ok := n["required"].([]any); ok {
				for _, r := range req {
					if s, ok := r.(string); ok {
						required[s] = true
					}
				}
			}
			expanded := make(map[string]any, len(props))
			for name, p := range props {
				pm, ok := p.(map[string]any)
				if !ok {
					expanded[name] = p
					continue
				}
				ps := x.node(pm)
				if !required[name] {
					ps = nullable(ps)
				}
				expanded[name] = ps
			}
			out[k] = expanded
		case "items", "additionalProperties", "not":
			if m, ok := v.(map[string]any); ok {
				out[k] = x.node(m)
			} else {
				out[k] = v
			}
		case "allOf", "anyOf", "oneOf":
			list, _ := v.([]any)
			expanded := make([]any, len(list))
			for i, item := range list {
				if m, ok := item.(map[string]any); ok {
					expanded[i] = x.node(m)
				} else {
					expanded[i] = item
				}
			}
			out[k] = expanded
		default:
			out[k] = v
		}
	}
	if out["format"] == intOrStringFmt {
		delete(out, "type")
		delete(out, "format")
		out["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
	}
	if x.strict {
		_, hasProps := out["properties"]
		_, hasAdditional := out["additionalProperties"]
		if hasProps && !hasAdditional && out["x-kubernetes-preserve-unknown-fields"] != true {
			out["additionalProperties"] = false
		}
	}
	return out
}

// nullable returns a copy of s that also accepts null (optional fields may be null).
func nullable(s map[string]any) map[string]any {
	switch t := s["type"].(type) {
	case string:
		out := maps.Clone(s)
		out["type"] = []any{t, "null"}
		return out
	case []any:
		if slices.Contains(t, any("null")) {
			return s
		}
		out := maps.Clone(s)
		out["type"] = append(slices.Clone(t), "null")
		return out
	case nil:
		if one, ok := s["oneOf"].([]any); ok {
			out := maps.Clone(s)
			out["oneOf"] = append(slices.Clone(one), map[string]any{"type": "null"})
			return out
		}
	}
	return s // no type: accepts null already
}
