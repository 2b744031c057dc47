// Package callcheck checks that the `dagger call` commands written in documentation and CI
// pipelines name functions and flags the module really has. It reads the module's Go source
// with go/parser, the way the Dagger Go SDK derives the API: exported methods of the main type
// become functions, parameters become flags, both in kebab-case.
package callcheck

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strings"
	"unicode"
)

// Arg is one parameter of a function or of the constructor.
type Arg struct {
	Flag string // kebab-case name, without "--"
	Bool bool   // a bool flag takes no separate value
}

// Function is one callable of the module.
type Function struct {
	Name    string // kebab-case
	Args    map[string]Arg
	Returns string // the result's type as written, e.g. "*dagger.Directory", "string"
}

// Module is the API of the module as the CLI shows it.
type Module struct {
	Type        string
	Constructor map[string]Arg
	Functions   map[string]Function
}

// Load parses the non-test Go files of dir and extracts the API of mainType.
func Load(dir, mainType string) (*Module, error) {
	fset := token.NewFileSet()
	files, err := moduleFiles(fset, dir)
	if err != nil {
		return nil, err
	}
	m := &Module{Type: mainType, Constructor: map[string]Arg{}, Functions: map[string]Function{}}
	foundType := false
	for _, sf := range files {
		src, f := sf.src, sf.file
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == mainType {
						foundType = true
					}
				}
			case *ast.FuncDecl:
				switch {
				case d.Recv == nil && d.Name.Name == "New":
					m.Constructor = args(d.Type)
				case d.Recv != nil && d.Name.IsExported() && receiverIs(d.Recv, mainType):
					fn := Function{Name: Kebab(d.Name.Name), Args: args(d.Type), Returns: firstResult(src, fset, d.Type)}
					m.Functions[fn.Name] = fn
				}
			}
		}
	}
	if !foundType {
		return nil, fmt.Errorf("no type %s in %s", mainType, dir)
	}
	return m, nil
}

// FunctionNames lists the functions, sorted, for error messages.
func (m *Module) FunctionNames() []string {
	var out []string
	for n := range m.Functions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func receiverIs(recv *ast.FieldList, typ string) bool {
	if len(recv.List) != 1 {
		return false
	}
	t := recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.Name == typ
}

// args maps a function's parameters to flags, leaving out the context.
func args(ft *ast.FuncType) map[string]Arg {
	out := map[string]Arg{}
	for _, field := range ft.Params.List {
		if sel, ok := field.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Context" {
			continue
		}
		isBool := false
		if id, ok := field.Type.(*ast.Ident); ok && id.Name == "bool" {
			isBool = true
		}
		for _, n := range field.Names {
			out[Kebab(n.Name)] = Arg{Flag: Kebab(n.Name), Bool: isBool}
		}
	}
	return out
}

func firstResult(src []byte, fset *token.FileSet, ft *ast.FuncType) string {
	if ft.Results == nil || len(ft.Results.List) == 0 {
		return ""
	}
	t := ft.Results.List[0].Type
	return string(src[fset.Position(t.Pos()).Offset:fset.Position(t.End()).Offset])
}

// Kebab turns a Go identifier into the CLI's kebab-case: ScanFs -> scan-fs,
// crdSchemaLocation -> crd-schema-location, SBOMFile -> sbom-file.
func Kebab(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			acronymEnd := unicode.IsUpper(r[i-1]) && i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || acronymEnd {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}
