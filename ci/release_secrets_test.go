package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// secretReaders are the only functions allowed to read a secret's plaintext; they keep it in the
// module process (registry login, signing keys, git push).
var secretReaders = map[string]bool{
	"readSecrets": true,
}

// containerSinks put data into a container or its layers: a plaintext secret must never reach them.
var containerSinks = map[string]bool{
	"WithExec": true, "WithEnvVariable": true, "WithNewFile": true, "WithLabel": true, "WithAnnotation": true,
}

// TestSecretsStayInTheModuleProcess checks the module source: Secret.Plaintext is called only in
// the functions meant to read secrets, and those never build containers, so no secret value can
// reach argv, an environment variable of a cached layer or a file of a returned container.
func TestSecretsStayInTheModuleProcess(t *testing.T) {
	fset := token.NewFileSet()
	readers := 0
	for _, name := range glueFiles(t) {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			var plaintext, sinks []string
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
					if sel.Sel.Name == "Plaintext" {
						plaintext = append(plaintext, fset.Position(call.Pos()).String())
					}
					if containerSinks[sel.Sel.Name] {
						sinks = append(sinks, sel.Sel.Name)
					}
				}
				return true
			})
			if len(plaintext) == 0 {
				continue
			}
			readers++
			if !secretReaders[fn.Name.Name] {
				t.Errorf("%s reads a secret's plaintext (%s) but is not an allowed secret reader", fn.Name.Name, strings.Join(plaintext, ", "))
			}
			if len(sinks) > 0 {
				t.Errorf("%s reads a secret and also builds containers (%s)", fn.Name.Name, strings.Join(sinks, ", "))
			}
		}
	}
	if readers == 0 {
		t.Fatal("no function reads a secret: the check looked at nothing")
	}
}
