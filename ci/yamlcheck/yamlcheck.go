// Package yamlcheck checks that the YAML files of a repository parse, every document of them,
// with duplicate mapping keys as errors (YAML allows a parser to keep either value silently;
// Kubernetes and Helm keep the last one, which hides mistakes). Helm chart templates are not
// YAML until rendered, so files under a chart's templates/ are skipped; the render stage checks
// them. The package needs no engine: the module hands it file contents.
package yamlcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problem is one file that does not parse.
type Problem struct {
	File    string
	Message string // yaml.v3's message, which names the line
}

func (p Problem) String() string { return p.File + ": " + p.Message }

// Result lists what was checked, skipped and found wrong.
type Result struct {
	Checked  []string // files parsed
	Skipped  []string // chart templates
	Problems []Problem
}

// Err is nil when every checked file parses.
func (r Result) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	lines := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		lines[i] = p.String()
	}
	return fmt.Errorf("%d YAML file(s) do not parse:\n%s", len(r.Problems), strings.Join(lines, "\n"))
}

// IsYAML reports whether a path names a YAML file by its extension.
func IsYAML(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// Check parses every YAML file of files (slash paths relative to the repository root). Files
// under the templates/ directory of a chart (a directory holding Chart.yaml) are skipped.
func Check(files map[string][]byte) Result {
	charts := map[string]bool{}
	for name := range files {
		if path.Base(name) == "Chart.yaml" {
			charts[path.Dir(name)] = true
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		if IsYAML(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var res Result
	for _, name := range names {
		if isChartTemplate(name, charts) {
			res.Skipped = append(res.Skipped, name)
			continue
		}
		res.Checked = append(res.Checked, name)
		if err := Parse(files[name]); err != nil {
			res.Problems = append(res.Problems, Problem{File: name, Message: err.Error()})
		}
	}
	return res
}

func isChartTemplate(name string, charts map[string]bool) bool {
	for dir := path.Dir(name); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if path.Base(dir) == "templates" && charts[path.Dir(dir)] {
			return true
		}
	}
	return false
}

// Parse decodes every document of data; the first error is returned with its document number.
func Parse(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 1; ; doc++ {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("document %d: %w", doc, err)
		}
	}
}

// Report is yaml-check.txt: one line per problem, then one per file checked.
func (r Result) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "checked %d file(s), skipped %d chart template(s)\n", len(r.Checked), len(r.Skipped))
	for _, prob := range r.Problems {
		fmt.Fprintf(&b, "ERROR %s\n", prob)
	}
	for _, name := range r.Checked {
		fmt.Fprintf(&b, "ok    %s\n", name)
	}
	return b.String()
}

// Details is the stage's row in the summary.
func (r Result) Details() string {
	return fmt.Sprintf("%d file(s) checked, %d problem(s), %d chart template(s) skipped", len(r.Checked), len(r.Problems), len(r.Skipped))
}

// Patterns are the globs that find the YAML files of a repository.
var Patterns = []string{"**/*.yaml", "**/*.yml", "**/*.YAML", "**/*.YML"}

// Unique sorts names and drops repeats (a file two patterns matched).
func Unique(names []string) []string {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	return slices.Compact(sorted)
}
