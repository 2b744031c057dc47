package pipelinecheck

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Group is a variable group a pipeline references, with the template condition it sits under
// (an `${{ if ... }}` or `${{ else }}` key), if any.
type Group struct {
	Name     string
	Template string
}

// Groups returns the variable groups of a pipeline's top-level `variables:`, in file order.
func Groups(data []byte) ([]Group, error) {
	var doc struct {
		Variables yaml.Node `yaml:"variables"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("pipeline YAML: %w", err)
	}
	var out []Group
	var walk func(n *yaml.Node, template string)
	walk = func(n *yaml.Node, template string) {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, item := range n.Content {
				walk(item, template)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				key, value := n.Content[i].Value, n.Content[i+1]
				switch {
				case strings.HasPrefix(key, "${{"):
					walk(value, key)
				case key == "group":
					out = append(out, Group{Name: value.Value, Template: template})
				}
			}
		}
	}
	walk(&doc.Variables, "")
	return out, nil
}
