package testreports

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dagger/pipeline/junit"
)

// A module whose tests pass, fail on purpose, skip and have subtests, in two packages; one
// function is never called, so Cobertura must show its lines unhit.
var fixture = map[string]string{
	"go.mod": "module example.com/fixture\n\ngo 1.22\n",
	"calc/calc.go": `package calc

func Add(a, b int) int { return a + b }

func Unused(a int) int {
	return a * 2
}
`,
	"calc/calc_test.go": `package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 1) != 2 {
		t.Fatal("1+1")
	}
}

func TestDeliberateFailure(t *testing.T) { t.Errorf("deliberate failure: want 3, got %d", Add(1, 1)) }

func TestSkipped(t *testing.T) {
	t.Skip("FIXTURE, not a test of this repository: skipped on purpose, so that TestGoTestScriptWritesJUnitThatMatchesGoTestJSON checks the JUnit's skip count against go test -json; nothing is missing")
}

func TestTable(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		t.Run("n"+string(rune('0'+n)), func(t *testing.T) {
			if n == 3 {
				t.Errorf("subtest failure for %d", n)
			}
		})
	}
}
`,
	"other/other_test.go": `package other

import "testing"

func TestOther(t *testing.T) {}
`,
}

func TestGoTestScriptWritesJUnitThatMatchesGoTestJSON(t *testing.T) {
	for _, tool := range []string{"gotestsum", "gocover-cobertura"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: make test-ci puts the build of scripts/tool-testreports.sh %s there", tool, tool)
		}
	}
	src := writeFixture(t)
	// A nonce makes the packages new to the build cache: the first run is not cached, the
	// second is.
	nonce := fmt.Sprintf("package other\n\nconst nonce = %q\n", t.Name()+time.Now().Format(time.RFC3339Nano))
	if err := os.WriteFile(filepath.Join(src, "other", "nonce.go"), []byte(nonce), 0o644); err != nil {
		t.Fatal(err)
	}
	runScript := func() (GoTest, []byte, junit.Counts) {
		out := t.TempDir()
		g := GoTest{Dir: out, JUnit: JUnitGoBackend, Cobertura: CoberturaGoBackend, JSON: GoTestJSONBackend, Packages: []string{"./..."}}
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", g.Script())
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		log, err := cmd.CombinedOutput()
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
			t.Fatalf("the script must exit 1 like go test with failing tests; got %v\n%s", err, log)
		}
		stream, err := os.ReadFile(filepath.Join(out, g.JSON))
		if err != nil {
			t.Fatal(err)
		}
		run, err := GoCounts(stream)
		if err != nil {
			t.Fatal(err)
		}
		if run != (junit.Counts{Tests: 8, Failures: 3, Skipped: 1}) {
			// TestAdd, TestDeliberateFailure, TestSkipped, TestTable + 3 subtests, TestOther; the
			// failures are TestDeliberateFailure, TestTable and TestTable/n3.
			t.Fatalf("go test -json reported %s; the fixture has 8 tests, 3 failures, 1 skipped", run)
		}
		return g, stream, run
	}
	_, first, _ := runScript()
	if strings.Contains(string(first), "(cached)") {
		t.Fatal("the first run, on an empty build cache, reported a cached result")
	}
	// The second run takes the passing package from Go's test cache (a failing one always
	// reruns) and still reports every test and writes its coverage.
	g, second, run := runScript()
	if !strings.Contains(string(second), "(cached)") {
		t.Fatal("the second run reran the passing package: Go's test cache is off")
	}
	out := g.Dir

	data, err := os.ReadFile(filepath.Join(out, g.JUnit))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Agree(data, run); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	doc, err := junit.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	failure := findCase(t, doc, "TestDeliberateFailure").Failure
	if failure == nil || !strings.Contains(failure.Text, "deliberate failure: want 3, got 2") {
		t.Fatalf("the deliberate failure's case does not carry its message: %+v", failure)
	}
	if findCase(t, doc, "TestTable/n3").Failure == nil {
		t.Fatal("the failing subtest is not a failed case")
	}
	if skipped := findCase(t, doc, "TestSkipped").Skipped; skipped == nil || !strings.Contains(skipped.Message+skipped.Text, "skipped on purpose") {
		t.Fatalf("the skipped case does not say why it was skipped: %+v", skipped)
	}

	assertCobertura(t, filepath.Join(out, g.Cobertura))
}

func findCase(t *testing.T, doc junit.Suites, name string) junit.Case {
	t.Helper()
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Name == name {
				return c
			}
		}
	}
	t.Fatalf("no test case %q", name)
	return junit.Case{}
}

// assertCobertura checks that Add's line was hit and Unused's body was not.
func assertCobertura(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cov struct {
		LinesValid int `xml:"lines-valid,attr"`
		Classes    []struct {
			Filename string `xml:"filename,attr"`
			Methods  []struct {
				Name  string `xml:"name,attr"`
				Lines []struct {
					Hits int `xml:"hits,attr"`
				} `xml:"lines>line"`
			} `xml:"methods>method"`
		} `xml:"packages>package>classes>class"`
	}
	if err := xml.Unmarshal(data, &cov); err != nil {
		t.Fatalf("Cobertura: %v\n%s", err, data)
	}
	hits := map[string]int{}
	for _, c := range cov.Classes {
		for _, m := range c.Methods {
			for _, l := range m.Lines {
				hits[m.Name] += l.Hits
			}
		}
	}
	rate, err := LineRate(data)
	if err != nil || rate <= 0 || rate >= 1 {
		t.Fatalf("line rate %v (%v): want between 0 and 1, Unused is not covered", rate, err)
	}
	if hits["Add"] == 0 || hits["Unused"] != 0 || cov.LinesValid == 0 {
		t.Fatalf("Cobertura hits per function %v (lines-valid %d): want Add hit, Unused not\n%s", hits, cov.LinesValid, data)
	}
}

// The tools module pins both converters, and the script that builds them for make test builds
// those packages from it (at go.mod's version, which keys its cache).
func TestToolsModulePinsTheConvertersTheScriptBuilds(t *testing.T) {
	gomod, err := os.ReadFile(filepath.Join("..", "..", ToolsModule, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "tool-testreports.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), `tools="$root/`+ToolsModule+`"`) {
		t.Errorf("scripts/tool-testreports.sh does not build from %s", ToolsModule)
	}
	for _, pkg := range []string{GotestsumPackage, GocoverCoberturaPackage} {
		required := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(pkg) + ` v\S+`).Match(gomod)
		tool := regexp.MustCompile(`(?m)^tool \(\n(\s+\S+\n)*\s+` + regexp.QuoteMeta(pkg) + `\n`).Match(gomod)
		if !required || !tool {
			t.Errorf("%s/go.mod neither requires nor lists as a tool %s", ToolsModule, pkg)
		}
		if !strings.Contains(string(script), "pkg="+pkg+" ;;") {
			t.Errorf("scripts/tool-testreports.sh does not build %s", pkg)
		}
	}
}

func TestVetAndTestQuotesThePackages(t *testing.T) {
	g := GoTest{Dir: "/reports", JUnit: JUnitGoBackend, Cobertura: CoberturaGoBackend, JSON: GoTestJSONBackend, Packages: []string{"./backend/...", "it's"}}
	if got := g.QuotedPackages(); got != `'./backend/...' 'it'\''s'` {
		t.Fatal(got)
	}
	if s := g.VetAndTest(); !strings.HasPrefix(s, "go vet './backend/...' 'it'\\''s'\n") || !strings.HasSuffix(s, g.Script()) {
		t.Fatal(s)
	}
}

func TestSkipIsPassedToGoTest(t *testing.T) {
	g := GoTest{Dir: "/reports", JUnit: JUnitGoModule, Cobertura: CoberturaGoModule, JSON: GoTestJSONModule, Packages: []string{"./..."}, Skip: "TestA|TestB"}
	if s := g.Script(); !strings.Contains(s, "-coverprofile='/reports/"+CoberturaGoModule+".coverprofile' -skip 'TestA|TestB' './...'") {
		t.Fatal(s)
	}
	g.Skip = ""
	if strings.Contains(g.Script(), "-skip") {
		t.Fatal(g.Script())
	}
}

// A run of named tests without coverage (the docs' dagger calls): -run reaches go test, the JUnit
// holds just those tests, no coverage file is written, and a pass exits 0.
func TestGoTestScriptRunsNamedTestsWithoutCoverage(t *testing.T) {
	if _, err := exec.LookPath("gotestsum"); err != nil {
		t.Fatal("gotestsum is not on PATH: make test-ci puts the build of scripts/tool-testreports.sh gotestsum there")
	}
	src := writeFixture(t)
	out := t.TempDir()
	g := GoTest{Dir: out, JUnit: JUnitGoDocs, JSON: GoTestJSONDocs, Packages: []string{"./..."}, Run: "^TestOther$"}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", g.Script())
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("only TestOther, which passes, should run: %v\n%s", err, log)
	}
	stream, err := os.ReadFile(filepath.Join(out, g.JSON))
	if err != nil {
		t.Fatal(err)
	}
	run, err := GoCounts(stream)
	if err != nil {
		t.Fatal(err)
	}
	if run != (junit.Counts{Tests: 1}) {
		t.Fatalf("go test -json reported %s, want TestOther alone", run)
	}
	if entries, _ := os.ReadDir(filepath.Join(out, CoverageDir)); len(entries) != 0 {
		t.Fatalf("a run without coverage wrote %v", entries)
	}
}

// writeFixture writes the fixture module to a new directory and returns it.
func writeFixture(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	for name, body := range fixture {
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}
