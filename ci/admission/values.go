// Package admission says, before a release pushes anything, whether the cluster will admit what
// it is about to push. The cluster's signature policy (helm/policies' values, as Argo CD renders
// them) must trust the release's key and cover the repositories it pushes to, and the application
// chart's values must pull from those repositories. A fork that changed one and forgot the other
// is stopped here with the value to set, instead of releasing images its cluster refuses, or
// worse, pulls from somewhere no policy verifies.
package admission

import (
	"fmt"
	"maps"

	"gopkg.in/yaml.v3"
)

// File is one values file: where it was read and what it holds.
type File struct {
	Path string
	Data []byte
}

// values is a chart's values as Helm layers its value files: later files win, maps merge key
// by key, and anything else (lists included) is replaced whole.
type values struct {
	tree  map[string]any
	paths []string
}

func readValues(files []File) (values, error) {
	v := values{tree: map[string]any{}}
	for _, f := range files {
		var doc map[string]any
		if err := yaml.Unmarshal(f.Data, &doc); err != nil {
			return values{}, fmt.Errorf("%s: %w", f.Path, err)
		}
		v.tree = merge(v.tree, doc)
		v.paths = append(v.paths, f.Path)
	}
	return v, nil
}

func merge(base, over map[string]any) map[string]any {
	out := maps.Clone(base)
	for k, o := range over {
		if bm, ok := out[k].(map[string]any); ok {
			if om, ok := o.(map[string]any); ok {
				out[k] = merge(bm, om)
				continue
			}
		}
		out[k] = o
	}
	return out
}

// lookup follows keys; nil when a key is missing or not a map on the way.
func (v values) lookup(path ...string) any {
	var cur any = v.tree
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// strings is a list of strings at path; an error names the value when it is anything else.
func (v values) strings(path ...string) ([]string, error) {
	raw := v.lookup(path...)
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: %s is not a list", v.where(), dotted(path))
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		s, ok := item.(string)
		if !ok {
			return nil, fmt.Errorf("%s: %s holds %v, not a string", v.where(), dotted(path), item)
		}
		out = append(out, s)
	}
	return out, nil
}

func (v values) where() string {
	switch len(v.paths) {
	case 0:
		return "no values"
	case 1:
		return v.paths[0]
	}
	return fmt.Sprintf("%s (over %v)", v.paths[len(v.paths)-1], v.paths[:len(v.paths)-1])
}

func dotted(path []string) string {
	s := ""
	for i, p := range path {
		if i > 0 {
			s += "."
		}
		s += p
	}
	return s
}
