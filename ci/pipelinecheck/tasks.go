// Package pipelinecheck reads the Azure DevOps pipelines' steps, so that a test can hold their
// publish tasks to the files the module really exports.
package pipelinecheck

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Step is one step of a pipeline: a task or a script, with the template condition it sits under
// (an `${{ if ... }}` key), if any.
type Step struct {
	Task        string
	Script      string
	DisplayName string
	Condition   string
	Inputs      map[string]string
	Env         map[string]string // a script's environment, e.g. RENOVATE_TOKEN: $(RenovateToken)
	Template    string            // e.g. "${{ if parameters.advancedSecurity }}"
}

// Steps returns every step of the document, however deep it sits (jobs, deployment strategies,
// template conditions), in file order.
func Steps(data []byte) ([]Step, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("pipeline YAML: %w", err)
	}
	var out []Step
	walk(&doc, "", &out)
	return out, nil
}

func walk(n *yaml.Node, template string, out *[]Step) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			walk(c, template, out)
		}
	case yaml.MappingNode:
		if step, ok := asStep(n); ok {
			step.Template = template
			*out = append(*out, step)
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			inner := template
			if len(key) > 3 && key[:3] == "${{" {
				inner = key
			}
			walk(value, inner, out)
		}
	}
}

func asStep(n *yaml.Node) (Step, bool) {
	var raw struct {
		Task        string            `yaml:"task"`
		Script      string            `yaml:"script"`
		DisplayName string            `yaml:"displayName"`
		Condition   string            `yaml:"condition"`
		Inputs      map[string]string `yaml:"inputs"`
		Env         map[string]string `yaml:"env"`
	}
	if err := n.Decode(&raw); err != nil || (raw.Task == "" && raw.Script == "") {
		return Step{}, false
	}
	return Step{Task: raw.Task, Script: raw.Script, DisplayName: raw.DisplayName, Condition: raw.Condition, Inputs: raw.Inputs, Env: raw.Env}, true
}
