package pipelinecheck

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Parameter is one of a pipeline's (runtime) or a template's parameters. Default is the default
// as written, a scalar's text (an empty string, or one space for a blank default); HasDefault
// tells an empty default from none.
type Parameter struct {
	Name, DisplayName, Type string
	Default                 string
	HasDefault              bool
}

// Parameters returns a document's top-level `parameters:`, in file order.
func Parameters(data []byte) ([]Parameter, error) {
	var doc struct {
		Parameters []struct {
			Name        string    `yaml:"name"`
			DisplayName string    `yaml:"displayName"`
			Type        string    `yaml:"type"`
			Default     yaml.Node `yaml:"default"`
		} `yaml:"parameters"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("pipeline YAML: %w", err)
	}
	out := make([]Parameter, 0, len(doc.Parameters))
	for _, p := range doc.Parameters {
		out = append(out, Parameter{Name: p.Name, DisplayName: p.DisplayName, Type: p.Type,
			Default: p.Default.Value, HasDefault: p.Default.Kind != 0})
	}
	return out, nil
}
