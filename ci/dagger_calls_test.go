package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/pipeline/callcheck"
	"dagger/pipeline/pipelinecheck"
)

// TestDaggerCallsNameRealFunctionsAndFlags reads this module's Go source the way the SDK does
// and checks every `dagger call` of the repository's Markdown files and .azure-pipelines/*.yml
// against it, chains included.
func TestDaggerCallsNameRealFunctionsAndFlags(t *testing.T) {
	module, err := callcheck.Load(".", mainTypeName(t))
	if err != nil {
		t.Fatal(err)
	}
	files, err := callcheck.DocFiles("..")
	if err != nil {
		t.Fatal(err)
	}
	perFile := map[string]int{}
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range expanded(t, name, data) {
			calls := callcheck.Extract(name, text)
			perFile[name] += len(calls)
			for _, problem := range module.Check(calls) {
				t.Error(problem)
			}
		}
	}
	// The front door, the reference and every pipeline must actually use the module: an empty
	// scan proves nothing.
	for _, must := range []string{"README.md", "docs/PIPELINE.md", "docs/SETUP.md", ".azure-pipelines/pr-validation.yml", ".azure-pipelines/azure-pipelines-main.yml", ".azure-pipelines/renovate.yml"} {
		if perFile[must] == 0 {
			t.Errorf("%s has no `dagger call`", must)
		}
	}
}

// expanded is a file's text as it runs: a pipeline's $(NAME) macros are substituted the way
// Azure does (its dagger calls start with templates/dagger.yml's $(DAGGER_CALL)), one text per
// value a variable may take (the release's registry). Other files are as written.
func expanded(t *testing.T, name string, data []byte) []string {
	t.Helper()
	if !strings.HasPrefix(name, ".azure-pipelines/") {
		return []string{string(data)}
	}
	vars, err := pipelinecheck.Variables(data, func(p string) ([]byte, error) {
		return os.ReadFile(filepath.Join("..", ".azure-pipelines", filepath.FromSlash(p)))
	})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return pipelinecheck.Expand(string(data), vars)
}

// TestEveryFunctionIsDocumented keeps `dagger functions` helpful: every function and argument
// carries a doc comment (the SDK turns them into help text).
func TestEveryFunctionIsDocumented(t *testing.T) {
	problems, err := callcheck.Undocumented(".", mainTypeName(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func mainTypeName(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../dagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct{ Name string }
	if err := json.Unmarshal(data, &cfg); err != nil || cfg.Name == "" {
		t.Fatalf("dagger.json: name missing (%v)", err)
	}
	// The SDK's main object is the PascalCase of the module name.
	parts := strings.FieldsFunc(cfg.Name, func(r rune) bool { return r == '-' || r == '_' })
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return strings.Join(parts, "")
}
