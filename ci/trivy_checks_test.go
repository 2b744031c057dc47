package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"dagger/pipeline/trivyreport"
)

// By default the scans run the checks of the pinned Trivy; a bundle is taken only pinned, and
// "embedded" goes back to the default.
func TestWithScanPolicyPinsTheChecks(t *testing.T) {
	p := New(nil, "", "", "", "")
	if p.TrivyChecks != trivyreport.EmbeddedChecks {
		t.Fatalf("default checks %q", p.TrivyChecks)
	}
	digest := "registry.example.com/aquasec/trivy-checks@sha256:" + strings.Repeat("0", 64)
	s, err := p.WithScanPolicy("", false, "", false, digest, false)
	if err != nil || s.TrivyChecks != digest {
		t.Fatalf("a bundle by digest: %v %q", err, s.TrivyChecks)
	}
	for _, moving := range []string{"mirror.gcr.io/aquasec/trivy-checks:2", "ghcr.io/aquasecurity/trivy-checks"} {
		if _, err := s.WithScanPolicy("", false, "", false, moving, false); err == nil || !strings.HasPrefix(err.Error(), "with-scan-policy: checks bundle") {
			t.Errorf("%s: %v", moving, err)
		}
	}
	if back, err := s.WithScanPolicy("", false, "", false, trivyreport.EmbeddedChecks, false); err != nil || back.TrivyChecks != trivyreport.EmbeddedChecks {
		t.Errorf("back to the embedded checks: %v %q", err, back.TrivyChecks)
	}
}

// Every Trivy command the module runs is built in package trivyreport, whose tests hold each one
// to the checks pin: no argv of the module starts Trivy, nor any shell script it runs.
func TestTrivyCommandsComeFromTrivyreport(t *testing.T) {
	runsTrivy := func(s string) bool {
		for _, line := range strings.Split(s, "\n") {
			if f := strings.Fields(line); len(f) > 0 && (f[0] == "trivy" || strings.HasSuffix(f[0], "/trivy")) {
				return true
			}
		}
		return false
	}
	fset := token.NewFileSet()
	for _, name := range glueFiles(t) {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			argv, ok := n.(*ast.CompositeLit)
			if !ok || len(argv.Elts) == 0 {
				return true
			}
			if arr, ok := argv.Type.(*ast.ArrayType); !ok || fmt.Sprint(arr.Elt) != "string" {
				return true
			}
			var words []string
			for _, e := range argv.Elts {
				if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					w, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					words = append(words, w)
				} else {
					words = append(words, "")
				}
			}
			shell := words[0] == "sh" || words[0] == "bash"
			for i, w := range words {
				if (i == 0 && runsTrivy(w)) || (shell && runsTrivy(w)) {
					t.Errorf("%s: %q runs Trivy outside package trivyreport", fset.Position(argv.Pos()), words)
				}
			}
			return true
		})
	}
}
