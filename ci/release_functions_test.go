package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// neverCached are the functions that push, sign, commit or open pull requests: they must never be
// cached.
var neverCached = map[string]bool{"Publish": true, "Sign": true, "Attest": true, "GitPush": true, "Release": true, "Renovate": true}

// gluefiles are the module's hand-written Go files, as the engine reads them.
func glueFiles(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range names {
		if !strings.HasSuffix(name, "_test.go") && name != "dagger.gen.go" {
			out = append(out, name)
		}
	}
	return out
}

// TestFunctionsAreDocumented reads the module source the way the Dagger engine does: the doc
// comment of a function and of each argument is its `dagger functions` / `--help` text.
func TestFunctionsAreDocumented(t *testing.T) {
	fset := token.NewFileSet()
	found := map[string]bool{}
	for _, name := range glueFiles(t) {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			never := neverCached[fn.Name.Name]
			found[fn.Name.Name] = true
			doc := fn.Doc.Text()
			if !strings.HasPrefix(doc, fn.Name.Name+" ") {
				t.Errorf("%s: the doc comment must start with the function's name: %q", fn.Name.Name, doc)
			}
			raw := ""
			if fn.Doc != nil {
				for _, c := range fn.Doc.List {
					raw += c.Text + "\n"
				}
			}
			if got := strings.Contains(raw, `+cache="never"`); got != never {
				t.Errorf("%s: +cache=\"never\" is %v, want %v", fn.Name.Name, got, never)
			}
			prev := fn.Type.Params.Opening
			for _, field := range fn.Type.Params.List {
				doc := commentBetween(f, prev, field.Pos())
				prev = field.End()
				for _, n := range field.Names {
					if n.Name == "ctx" {
						continue
					}
					if strings.TrimSpace(strings.Split(doc, "+")[0]) == "" {
						t.Errorf("%s: argument %s has no doc comment", fn.Name.Name, n.Name)
					}
					if _, isPtr := field.Type.(*ast.StarExpr); !isPtr && secretLike(n.Name) {
						t.Errorf("%s: argument %s looks secret but is not a *dagger.Secret", fn.Name.Name, n.Name)
					}
				}
			}
		}
	}
	for name := range neverCached {
		if !found[name] {
			t.Errorf("function %s not found", name)
		}
	}
}

// commentBetween is the text of the comments between two positions: a parameter's doc comment
// sits between the previous parameter (or the opening parenthesis) and the parameter itself.
func commentBetween(f *ast.File, from, to token.Pos) string {
	var b strings.Builder
	for _, g := range f.Comments {
		if g.Pos() > from && g.End() < to {
			b.WriteString(g.Text())
		}
	}
	return b.String()
}

// secretLike names arguments that must be secrets; usernames, account IDs and key-less names pass.
func secretLike(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"password", "token", "secretaccesskey", "cosignkey", "accesskeyid"} {
		if strings.HasSuffix(n, s) || n == "key" {
			return true
		}
	}
	return false
}
