package callcheck

import (
	"strings"
	"testing"
)

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"ScanFs": "scan-fs", "ValidateReports": "validate-reports", "crdSchemaLocation": "crd-schema-location",
		"ignoreUnfixed": "ignore-unfixed", "SBOMFile": "sbom-file", "registryURL": "registry-url", "lint": "lint",
		"goPackages": "go-packages", "Sha256Sum": "sha256-sum",
	} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadReadsMethodsOfTheMainTypeOnly(t *testing.T) {
	m, err := Load("testdata/module", "Pipeline")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.FunctionNames(), ","); got != "documented,lint,render,scan-fs,validate" {
		t.Fatalf("functions = %s", got)
	}
	if !m.Functions["scan-fs"].Args["ignore-unfixed"].Bool || m.Functions["scan-fs"].Returns != "*dagger.Directory" {
		t.Fatalf("scan-fs = %+v", m.Functions["scan-fs"])
	}
	if _, ok := m.Constructor["registry-url"]; !ok {
		t.Fatalf("constructor = %+v", m.Constructor)
	}
	if _, err := Load("testdata/module", "Missing"); err == nil {
		t.Fatal("a missing main type must be an error")
	}
}

func TestExtractHandlesContinuationsQuotesAndOperators(t *testing.T) {
	text := "Run `dagger call lint` first; every `dagger call` is checked.\n" +
		"```sh\n" +
		"dagger call scan-fs \\\n    --severity CRITICAL \\\n    --ignore-unfixed\n" +
		"dagger -m . --progress=plain call validate-reports export --path \"$(Build.ArtifactStagingDirectory)/reports\" && echo done\n" +
		"dagger call --source=. render --kubernetes-version 1.30.0 | less  # show it\n" +
		"echo dagger calls nothing here; dagger functions\n" +
		"```\n"
	calls := Extract("README.md", text)
	var got []string
	for _, c := range calls {
		got = append(got, strings.Join(c.Words, " "))
	}
	want := []string{
		"lint",
		"scan-fs --severity CRITICAL --ignore-unfixed",
		"validate-reports export --path $(Build.ArtifactStagingDirectory)/reports",
		"--source=. render --kubernetes-version 1.30.0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if calls[1].Line != 3 || calls[2].Line != 6 {
		t.Fatalf("lines = %d, %d", calls[1].Line, calls[2].Line)
	}
}

func TestVerify(t *testing.T) {
	m, err := Load("testdata/module", "Pipeline")
	if err != nil {
		t.Fatal(err)
	}
	ok := []string{
		"lint",
		"scan-fs --severity CRITICAL --ignore-unfixed",
		"scan-fs --ignore-unfixed=false --severity=HIGH export --path out",
		"--source . --registry-url localhost:5000 validate",
		"render --kubernetes-version 1.30.0 export --path rendered.yaml",
	}
	for _, c := range ok {
		if err := m.Verify(Call{Words: strings.Fields(c)}); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
	bad := map[string]string{
		"lnt":                               `no function "lnt"`,
		"release --push":                    `no function "release"`,
		"scan-fs --severty HIGH":            "scan-fs has no flag --severty",
		"--src . lint":                      "constructor has no flag --src",
		"validate export --path x":          `"export" follows validate, whose result (string)`,
		"lint export --path x":              "whose result (error) has no known methods",
		"scan-fs publish --address x":       `has no method "publish"`,
		"render export --to x":              "export has no flag --to",
		"scan-fs --severity":                "needs a value",
		"":                                  "no function named",
		"scan-fs export --path out entries": `"entries" follows export`,
	}
	for c, want := range bad {
		err := m.Verify(Call{Words: strings.Fields(c)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", c, err, want)
		}
	}
}

func TestUndocumented(t *testing.T) {
	problems, err := Undocumented("testdata/module", "Pipeline")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems, "\n")
	for _, want := range []string{"main.go: New has no doc comment", "main.go: ScanFs: argument ignoreUnfixed has no doc comment", "main.go: Lint has no doc comment"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "Documented: argument pragmaOnly has no doc comment") || strings.Contains(got, "argument name ") || strings.Contains(got, "Documented has no") {
		t.Errorf("a pragma alone is no documentation; a comment above an argument is:\n%s", got)
	}
	if strings.Contains(got, "helper") || strings.Contains(got, "NotAFunction") {
		t.Errorf("only functions of the main type count:\n%s", got)
	}
}
