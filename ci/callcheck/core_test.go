package callcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// The core table is written by hand; the bindings `dagger develop` generated for the module's
// engine (ci/internal/dagger) say what the engine really has. Every function, flag and result of
// the table must be there: required arguments are parameters, optional ones fields of <Type><Fn>Opts.
func TestCoreTableMatchesTheBindings(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../internal/dagger/dagger.gen.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]*ast.FuncDecl{} // "File.Export"
	opts := map[string]*ast.StructType{}  // "FileExportOpts"
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil {
				methods[receiverName(d.Recv)+"."+d.Name.Name] = d
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				if ts, ok := spec.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok && strings.HasSuffix(ts.Name.Name, "Opts") {
						opts[ts.Name.Name] = st
					}
				}
			}
		}
	}
	for typeName, obj := range coreObjects {
		goType := strings.TrimPrefix(typeName, "dagger.")
		for _, fn := range obj.Functions {
			var decl *ast.FuncDecl
			for key, d := range methods {
				if strings.HasPrefix(key, goType+".") && Kebab(d.Name.Name) == fn.Name {
					decl = d
				}
			}
			if decl == nil {
				t.Errorf("%s has no function %s in the bindings", typeName, fn.Name)
				continue
			}
			real := map[string]Arg{}
			for flag, arg := range args(decl.Type) {
				if flag != "opts" {
					real[flag] = arg
				}
			}
			if st := opts[goType+decl.Name.Name+"Opts"]; st != nil {
				for _, field := range st.Fields.List {
					id, isIdent := field.Type.(*ast.Ident)
					for _, n := range field.Names {
						real[Kebab(n.Name)] = Arg{Flag: Kebab(n.Name), Bool: isIdent && id.Name == "bool"}
					}
				}
			}
			for flag, arg := range fn.Args {
				if got, ok := real[flag]; !ok || got.Bool != arg.Bool {
					t.Errorf("%s %s: flag --%s (bool %v) is not in the bindings' %v", typeName, fn.Name, flag, arg.Bool, real)
				}
			}
			results := decl.Type.Results.List
			got := exprString(results[0].Type)
			if want := strings.ReplaceAll(fn.Returns, "dagger.", ""); got != want {
				t.Errorf("%s %s returns %s in the bindings, the table says %s", typeName, fn.Name, got, fn.Returns)
			}
		}
	}
}

// exprString prints the simple type expressions the bindings use: *File, string, []string.
func exprString(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return "*" + exprString(t.X)
	case *ast.ArrayType:
		return "[]" + exprString(t.Elt)
	case *ast.Ident:
		return t.Name
	}
	return "?"
}
