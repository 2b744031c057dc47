package callcheck

import (
	"strings"
	"testing"
)

func TestUndocumented(t *testing.T) {
	problems, err := Undocumented("testdata/module", "Pipeline")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems, "\n")
	for _, want := range []string{
		"main.go: New has no doc comment", "main.go: ScanFs: argument ignoreUnfixed has no doc comment", "main.go: Lint has no doc comment",
		// Published is reached through Publish: its functions are on the CLI too.
		"published.go: Sign has no doc comment", "published.go: Sign: argument tlog has no doc comment",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "Documented: argument pragmaOnly has no doc comment") || strings.Contains(got, "argument name ") || strings.Contains(got, "Documented has no") {
		t.Errorf("a pragma alone is no documentation; a comment above an argument is:\n%s", got)
	}
	if strings.Contains(got, "Attest") || strings.Contains(got, "WithRegistry") || strings.Contains(got, "Publish ") {
		t.Errorf("documented functions are not listed:\n%s", got)
	}
	if strings.Contains(got, "helper") || strings.Contains(got, "NotAFunction") || strings.Contains(got, "Exported") {
		t.Errorf("only functions of types a call reaches count:\n%s", got)
	}
}
