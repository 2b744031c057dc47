package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/pipeline/callcheck"
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
		calls := callcheck.Extract(name, string(data))
		perFile[name] = len(calls)
		for _, problem := range module.Check(calls) {
			t.Error(problem)
		}
	}
	// The front door, the reference and both pipelines must actually use the module: an empty
	// scan proves nothing.
	for _, must := range []string{"README.md", "docs/PIPELINE.md", ".azure-pipelines/pr-validation.yml", ".azure-pipelines/azure-pipelines-main.yml"} {
		if perFile[must] == 0 {
			t.Errorf("%s has no `dagger call`", must)
		}
	}
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
