package callcheck

import (
	"strings"
	"testing"
)

func TestVerifyAcceptsRealChains(t *testing.T) {
	m := loadTestModule(t)
	for _, c := range []string{
		"lint",
		"scan-fs --severity CRITICAL --ignore-unfixed",
		"scan-fs --ignore-unfixed=false --severity=HIGH export --path out",
		"--source . --registry-url localhost:5000 validate",
		"render --kubernetes-version 1.30.0 export --path rendered.yaml",
		"source entries",
		"with-registry --address r.example.com --password env://P publish --tag v1 sign --key env://K --tlog attest --sbom sbom.json export --path out",
		"with-registry --address a with-registry --address b publish --tag v1 ref",
		"scan-fs file --path gate.md contents",
	} {
		if err := m.Verify(Call{Words: strings.Fields(c)}); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
}

func TestVerifyRefusesWhatTheModuleDoesNotHave(t *testing.T) {
	m := loadTestModule(t)
	for c, want := range map[string]string{
		"lnt":                            `Pipeline has no function "lnt"`,
		"release --push":                 `Pipeline has no function "release"`,
		"scan-fs --severty HIGH":         "scan-fs has no flag --severty",
		"--src . lint":                   "the constructor has no flag --src",
		"validate export --path x":       `"export" follows validate, whose result (string) has no functions`,
		"lint export --path x":           `"export" follows lint, whose result (error) has no functions`,
		"scan-fs publish --tag x":        `"publish" follows scan-fs, whose result (dagger.Directory) has no function "publish"`,
		"render export --to x":           "export has no flag --to",
		"scan-fs --severity":             "flag --severity of scan-fs needs a value",
		"":                               "no function named",
		"scan-fs export --path out wipe": `"wipe" follows export, whose result (string)`,
		"scan-fs stdout":                 `has no function "stdout" (have: directory, entries, export, file) in callcheck's table`,
		"publish --tag v1 sign lint":     `"lint" follows sign, whose result (Published) has no function "lint" (have: attest, ref, sign)`,
		"with-registry --address a --tag v publish": "with-registry has no flag --tag (it is a flag of publish)",
	} {
		err := m.Verify(Call{Words: strings.Fields(c)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", c, err, want)
		}
	}
}

// A wrong function in the middle of a chain, and a flag given to the wrong link, are reported
// where they are written.
func TestCheckReportsFileAndLine(t *testing.T) {
	m := loadTestModule(t)
	doc := "# Releasing\n\n```sh\n" +
		"dagger call with-registry --address r.example.com publish --tag v1 sign --key env://K\n" +
		"dagger call with-registry --address r.example.com publsh --tag v1 sign --key env://K\n" +
		"dagger call with-registry --address r.example.com \\\n  publish --tag v1 --key env://K sign\n" +
		"```\n"
	problems := m.Check(Extract("docs/PIPELINE.md", doc))
	if len(problems) != 2 {
		t.Fatalf("want 2 problems, got %d:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	if want := `docs/PIPELINE.md:5: "publsh" follows with-registry, whose result (Pipeline) has no function "publsh"`; !strings.HasPrefix(problems[0], want) {
		t.Errorf("got  %s\nwant %s", problems[0], want)
	}
	if want := "docs/PIPELINE.md:6: publish has no flag --key (it is a flag of sign)"; !strings.HasPrefix(problems[1], want) {
		t.Errorf("got  %s\nwant %s", problems[1], want)
	}
	if !strings.Contains(problems[1], "dagger call with-registry --address r.example.com publish --tag v1 --key env://K sign") {
		t.Errorf("the problem quotes the call as written, continuation joined:\n%s", problems[1])
	}
}
