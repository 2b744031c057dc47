package testreports

import (
	"fmt"
	"strings"
)

// The converters are pinned in ToolsModule (its go.mod's tool directives and go.sum): the test
// stages build them from there, as scripts/tool-testreports.sh does for make test.
const (
	ToolsModule             = "tools/testreports"
	GotestsumPackage        = "gotest.tools/gotestsum"
	GocoverCoberturaPackage = "github.com/boumenot/gocover-cobertura"
)

// GoTest names the reports of one Go test run, relative to Dir.
type GoTest struct {
	Dir       string   // where the reports go, e.g. /reports
	JUnit     string   // e.g. JUnitGoBackend
	Cobertura string   // e.g. CoberturaGoBackend
	JSON      string   // the `go test -json` stream of the same run
	Packages  []string // package patterns, passed to go test as they are
	// Skip is go test's -skip: tests a caller leaves to another run, named in its log.
	Skip string
	// Run is go test's -run: the only tests of this run; empty runs them all.
	Run string
}

// Script runs the packages' tests under gotestsum, which writes the JUnit file and keeps go
// test's JSON stream, then converts the coverage profile to Cobertura. Go's test cache is on
// (no -count=1): a package whose code, and the files and environment its tests read, are
// unchanged reports its earlier result, marked (cached), coverage included. It exits with go
// test's status, after writing every report it could: a failing test still has its JUnit.
// gotestsum and gocover-cobertura must be on PATH.
func (g GoTest) Script() string {
	path := func(rel string) string { return shellQuote(g.Dir + "/" + rel) }
	if g.Cobertura == "" {
		// No coverage: a run of a few named tests measures none worth publishing.
		return strings.Join([]string{
			fmt.Sprintf("mkdir -p %s", strings.Join(uniqueDirs(g.Dir, g.JUnit, g.JSON), " ")),
			fmt.Sprintf("gotestsum --junitfile %s --jsonfile %s --%s%s %s",
				path(g.JUnit), path(g.JSON), g.runFlag(), g.skipFlag(), g.QuotedPackages()),
		}, "\n")
	}
	profile := path(g.Cobertura + ".coverprofile")
	return strings.Join([]string{
		fmt.Sprintf("mkdir -p %s", strings.Join(uniqueDirs(g.Dir, g.JUnit, g.Cobertura, g.JSON), " ")),
		"status=0",
		fmt.Sprintf("gotestsum --junitfile %s --jsonfile %s -- -coverprofile=%s%s%s %s || status=$?",
			path(g.JUnit), path(g.JSON), profile, g.runFlag(), g.skipFlag(), g.QuotedPackages()),
		// A build failure leaves no profile: nothing to convert, and go test's status says why.
		fmt.Sprintf("if [ -s %s ]; then gocover-cobertura < %s > %s; rm -f %s; fi", profile, profile, path(g.Cobertura), profile),
		"exit $status",
	}, "\n")
}

func (g GoTest) runFlag() string {
	if g.Run == "" {
		return ""
	}
	return " -run " + shellQuote(g.Run)
}

func (g GoTest) skipFlag() string {
	if g.Skip == "" {
		return ""
	}
	return " -skip " + shellQuote(g.Skip)
}

// VetAndTest is Script after `go vet` of the same packages.
func (g GoTest) VetAndTest() string { return "go vet " + g.QuotedPackages() + "\n" + g.Script() }

// QuotedPackages are the package patterns quoted for the shell, space-separated.
func (g GoTest) QuotedPackages() string {
	pkgs := make([]string, len(g.Packages))
	for i, p := range g.Packages {
		pkgs[i] = shellQuote(p)
	}
	return strings.Join(pkgs, " ")
}

func uniqueDirs(base string, files ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		dir := base
		if i := strings.LastIndex(f, "/"); i >= 0 {
			dir += "/" + f[:i]
		}
		if !seen[dir] {
			seen[dir] = true
			out = append(out, shellQuote(dir))
		}
	}
	return out
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
