// Package pipelinecheck reads the Azure DevOps pipelines (their steps, variables, variable groups
// and parameters), so that tests can hold them to what the module really exports and to what the
// docs promise of them.
package pipelinecheck

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Step is one step of a pipeline: a task, a script, or a steps template it includes, with the
// template condition it sits under (an `${{ if ... }}` key), if any.
type Step struct {
	Task        string
	Script      string
	DisplayName string
	Condition   string
	Inputs      map[string]string
	Env         map[string]string // a script's environment, e.g. RENOVATE_TOKEN: $(RenovateToken)
	Template    string            // e.g. "${{ if parameters.advancedSecurity }}"
	// Uses is the steps template this step includes (`- template: templates/install-dagger.yml`),
	// with the parameters it passes; empty for a task or a script.
	Uses       string
	Parameters map[string]string
}

// Steps returns every step of the document, however deep it sits (jobs, deployment strategies,
// template conditions), in file order. A `template:` entry counts as a step only in a list of
// steps: in `variables:` it includes variables.
func Steps(data []byte) ([]Step, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("pipeline YAML: %w", err)
	}
	var out []Step
	walk(&doc, "", false, &out)
	return out, nil
}

// walk visits n; inSteps says n sits in a `steps:` list (through template conditions).
func walk(n *yaml.Node, template string, inSteps bool, out *[]Step) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			walk(c, template, inSteps, out)
		}
	case yaml.MappingNode:
		if step, ok := asStep(n, inSteps); ok {
			step.Template = template
			*out = append(*out, step)
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			inner, steps := template, key == "steps"
			if strings.HasPrefix(key, "${{") {
				inner, steps = key, inSteps
			}
			walk(value, inner, steps, out)
		}
	}
}

func asStep(n *yaml.Node, inSteps bool) (Step, bool) {
	var raw struct {
		Task        string            `yaml:"task"`
		Script      string            `yaml:"script"`
		DisplayName string            `yaml:"displayName"`
		Condition   string            `yaml:"condition"`
		Inputs      map[string]string `yaml:"inputs"`
		Env         map[string]string `yaml:"env"`
		Template    string            `yaml:"template"`
		Parameters  map[string]string `yaml:"parameters"`
	}
	if err := n.Decode(&raw); err != nil {
		return Step{}, false
	}
	if raw.Task == "" && raw.Script == "" && (!inSteps || raw.Template == "") {
		return Step{}, false
	}
	return Step{Task: raw.Task, Script: raw.Script, DisplayName: raw.DisplayName, Condition: raw.Condition,
		Inputs: raw.Inputs, Env: raw.Env, Uses: raw.Template, Parameters: raw.Parameters}, true
}
