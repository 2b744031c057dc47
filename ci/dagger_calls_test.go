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
// and checks every `dagger call` of README.md and .azure-pipelines/*.yml against it.
func TestDaggerCallsNameRealFunctionsAndFlags(t *testing.T) {
	module, err := callcheck.Load(".", mainTypeName(t))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"../README.md"}
	for _, pattern := range []string{"../.azure-pipelines/*.yml", "../.azure-pipelines/*.yaml"} {
		matched, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matched...)
	}
	perFile := map[string]int{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range callcheck.Extract(strings.TrimPrefix(name, "../"), string(data)) {
			perFile[call.File]++
			if err := module.Verify(call); err != nil {
				t.Errorf("%s\n    %v", call, err)
			}
		}
	}
	// The docs and the PR pipeline must actually use the module: an empty scan proves nothing.
	for _, must := range []string{"README.md", ".azure-pipelines/pr-validation.yml"} {
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
