// Package valuesdoc writes a chart's values table (key, type, default, description) from the
// `# --` comments of its values.yaml, in the style of helm-docs: the comment that starts with
// `# --` above a key is its description, and the comment lines after it continue it. A key
// without one is still listed, with an empty description, so the table shows every value.
//
// A non-empty map is descended into, unless it carries a `# --` description of its own: then
// it is one row, its default the whole map. A line whose comment says "Updated by CI/CD" is
// written by each release (helm/app/values.yaml's image tags and digests): its default is not
// printed, or every release would put the table out of step.
package valuesdoc

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Row is one documented value.
type Row struct {
	Key         string // dotted path: frontend.image.tag
	Type        string // string, int, float, bool, list, object
	Default     string // the value as JSON; empty when a release writes it
	Description string
	Released    bool // the line is rewritten by each release
}

// releaseMarker is the line comment of the values the release writes.
const releaseMarker = "Updated by CI/CD"

// Rows reads a values.yaml and returns its rows in file order.
func Rows(values []byte) ([]Row, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(values, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("values are not a map")
	}
	var rows []Row
	err := walk(doc.Content[0], "", &rows)
	return rows, err
}

func walk(m *yaml.Node, prefix string, rows *[]Row) error {
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, value := m.Content[i], m.Content[i+1]
		path := key.Value
		if prefix != "" {
			path = prefix + "." + key.Value
		}
		desc, hasDesc := description(key.HeadComment)
		if value.Kind == yaml.MappingNode && len(value.Content) > 0 && !hasDesc {
			if err := walk(value, path, rows); err != nil {
				return err
			}
			continue
		}
		row := Row{Key: path, Type: typeOf(value), Description: desc}
		if strings.Contains(value.LineComment+key.LineComment, releaseMarker) {
			row.Released = true
		} else {
			var v any
			if err := value.Decode(&v); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			row.Default = string(b)
		}
		*rows = append(*rows, row)
	}
	return nil
}

// description takes the last `# --` line of a head comment and the comment lines after it.
func description(head string) (string, bool) {
	lines := strings.Split(head, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "# --") {
			start = i
		}
	}
	if start < 0 {
		return "", false
	}
	var words []string
	for i, l := range lines[start:] {
		l = strings.TrimSpace(l)
		if l == "" {
			break // a blank line ends the comment that belongs to the key
		}
		l = strings.TrimSpace(strings.TrimPrefix(l, "#"))
		if i == 0 {
			l = strings.TrimSpace(strings.TrimPrefix(l, "--"))
		}
		words = append(words, l)
	}
	return strings.Join(words, " "), true
}

func typeOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "object"
	}
	switch n.ShortTag() {
	case "!!int":
		return "int"
	case "!!float":
		return "float"
	case "!!bool":
		return "bool"
	case "!!null":
		return "null"
	}
	return "string"
}
