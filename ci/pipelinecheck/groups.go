package pipelinecheck

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Entry is one item of a document's top-level `variables:` list: a variable (Name, Value), a
// variable group (Group) or a variables template (Include, with the Parameters it passes), with
// the template condition it sits under (an `${{ if ... }}` or `${{ else }}` key), if any.
type Entry struct {
	Name, Value string
	Group       string
	Include     string
	Parameters  map[string]string
	Template    string
}

// Entries returns the items of a pipeline's or a variables template's `variables:` list (the
// `- name:`, `- group:`, `- template:` form the pipelines use), in file order, those under
// template conditions included.
func Entries(data []byte) ([]Entry, error) {
	var doc struct {
		Variables yaml.Node `yaml:"variables"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("pipeline YAML: %w", err)
	}
	var out []Entry
	var walk func(n *yaml.Node, template string) error
	walk = func(n *yaml.Node, template string) error {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, item := range n.Content {
				if err := walk(item, template); err != nil {
					return err
				}
			}
		case yaml.MappingNode:
			if len(n.Content) >= 2 && strings.HasPrefix(n.Content[0].Value, "${{") {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if err := walk(n.Content[i+1], n.Content[i].Value); err != nil {
						return err
					}
				}
				return nil
			}
			var raw struct {
				Name       string            `yaml:"name"`
				Value      string            `yaml:"value"`
				Group      string            `yaml:"group"`
				Template   string            `yaml:"template"`
				Parameters map[string]string `yaml:"parameters"`
			}
			if err := n.Decode(&raw); err != nil {
				return fmt.Errorf("variables, line %d: %w", n.Line, err)
			}
			out = append(out, Entry{Name: raw.Name, Value: raw.Value, Group: raw.Group, Include: raw.Template,
				Parameters: raw.Parameters, Template: template})
		}
		return nil
	}
	if err := walk(&doc.Variables, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// Group is a variable group a pipeline references, with the template condition it sits under
// (an `${{ if ... }}` or `${{ else }}` key), if any.
type Group struct {
	Name     string
	Template string
}

// Groups returns the variable groups of a pipeline's top-level `variables:`, in file order.
func Groups(data []byte) ([]Group, error) {
	entries, err := Entries(data)
	if err != nil {
		return nil, err
	}
	var out []Group
	for _, e := range entries {
		if e.Group != "" {
			out = append(out, Group{Name: e.Group, Template: e.Template})
		}
	}
	return out, nil
}
