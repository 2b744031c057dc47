package pipelinecheck

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Variables are a pipeline's variables by name, with every value each may take (both branches
// of an `${{ if }}`), from its `variables:` and the variable templates it includes; read opens a
// template by its path relative to the pipeline's directory.
func Variables(data []byte, read func(path string) ([]byte, error)) (map[string][]string, error) {
	var doc struct {
		Variables yaml.Node `yaml:"variables"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("pipeline YAML: %w", err)
	}
	vars := map[string][]string{}
	if err := collect(&doc.Variables, read, vars, 0); err != nil {
		return nil, err
	}
	return vars, nil
}

func collect(n *yaml.Node, read func(string) ([]byte, error), vars map[string][]string, depth int) error {
	if depth > 8 {
		return fmt.Errorf("variable templates nest more than 8 deep")
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if err := collect(item, read, vars, depth); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		entry := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			if strings.HasPrefix(key, "${{") {
				// A template condition: its items are one of the values a variable may take.
				if err := collect(value, read, vars, depth); err != nil {
					return err
				}
				continue
			}
			entry[key] = value.Value
		}
		switch {
		case entry["template"] != "":
			data, err := read(entry["template"])
			if err != nil {
				return err
			}
			var tmpl struct {
				Variables yaml.Node `yaml:"variables"`
			}
			if err := yaml.Unmarshal(data, &tmpl); err != nil {
				return fmt.Errorf("%s: %w", entry["template"], err)
			}
			return collect(&tmpl.Variables, func(p string) ([]byte, error) { return read(path.Join(path.Dir(entry["template"]), p)) }, vars, depth+1)
		case entry["name"] != "":
			vars[entry["name"]] = append(vars[entry["name"]], entry["value"])
		case entry["group"] == "":
			// The mapping form: name: value.
			for k, v := range entry {
				vars[k] = append(vars[k], v)
			}
		}
	}
	return nil
}

var macro = regexp.MustCompile(`\$\(([A-Za-z0-9_.]+)\)`)

// Expand substitutes the $(NAME) macros of known variables into text, as Azure does before a
// script runs, values that name other variables included: one text per combination of values.
// Macros of unknown variables (variable groups, predefined ones) stay as they are.
func Expand(text string, vars map[string][]string) []string {
	return expand(text, vars, 0)
}

func expand(text string, vars map[string][]string, depth int) []string {
	if depth > 8 {
		return []string{text}
	}
	for _, m := range macro.FindAllStringSubmatch(text, -1) {
		values, ok := vars[m[1]]
		if !ok {
			continue
		}
		var out []string
		for _, v := range values {
			out = append(out, expand(strings.ReplaceAll(text, m[0], v), vars, depth+1)...)
		}
		return out
	}
	return []string{text}
}
