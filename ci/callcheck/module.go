// Package callcheck checks that the `dagger call` commands written in documentation and CI
// pipelines name functions and flags the module really has. It reads the module's Go source
// with go/parser, the way the Dagger Go SDK derives the API: exported methods and exported
// fields of the module's object types become functions, parameters become flags, both in
// kebab-case. A call is a chain: each function is looked up on the type the previous one
// returned, starting at the main type.
package callcheck

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strings"
)

// Arg is one parameter of a function or of the constructor.
type Arg struct {
	Flag string // kebab-case name, without "--"
	Bool bool   // a bool flag takes no separate value
}

// Function is one callable of an object.
type Function struct {
	Name    string // kebab-case
	Args    map[string]Arg
	Returns string // the result's type as written, e.g. "*Pipeline", "*dagger.Directory", "string"
}

// Object is a type whose functions a call can name: one of the module's structs, or a core
// Dagger type (see core.go).
type Object struct {
	Name      string // Go name: "Pipeline", "Published", "dagger.File"
	Functions map[string]Function
}

// Module is the API of the module as the CLI shows it.
type Module struct {
	Main        string // the main type, where every call starts
	Constructor map[string]Arg
	Objects     map[string]*Object // the module's own object types, by Go name
}

// Load parses the non-test Go files of dir and extracts the API of mainType and of every other
// exported struct type of the package.
func Load(dir, mainType string) (*Module, error) {
	fset := token.NewFileSet()
	files, err := moduleFiles(fset, dir)
	if err != nil {
		return nil, err
	}
	m := &Module{Main: mainType, Constructor: map[string]Arg{}, Objects: map[string]*Object{}}
	object := func(name string) *Object {
		if m.Objects[name] == nil {
			m.Objects[name] = &Object{Name: name, Functions: map[string]Function{}}
		}
		return m.Objects[name]
	}
	// Types first, methods second: a method may sit in another file than its type.
	for _, sf := range files {
		for _, decl := range sf.file.Decls {
			for _, ts := range structTypes(decl) {
				obj := object(ts.Name.Name)
				for _, field := range ts.Type.(*ast.StructType).Fields.List {
					if isPrivate(field) {
						continue
					}
					for _, n := range field.Names {
						if n.IsExported() {
							fn := Function{Name: Kebab(n.Name), Args: map[string]Arg{}, Returns: typeText(sf, fset, field.Type)}
							obj.Functions[fn.Name] = fn
						}
					}
				}
			}
		}
	}
	for _, sf := range files {
		for _, decl := range sf.file.Decls {
			d, ok := decl.(*ast.FuncDecl)
			if !ok || !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				if d.Name.Name == "New" {
					m.Constructor = args(d.Type)
				}
				continue
			}
			obj, ok := m.Objects[receiverName(d.Recv)]
			if !ok {
				continue // a method of a non-struct or unexported type is no function
			}
			fn := Function{Name: Kebab(d.Name.Name), Args: args(d.Type), Returns: firstResult(sf, fset, d.Type)}
			obj.Functions[fn.Name] = fn
		}
	}
	if _, ok := m.Objects[mainType]; !ok {
		return nil, fmt.Errorf("no type %s in %s", mainType, dir)
	}
	return m, nil
}

// structTypes returns the exported struct types a declaration declares.
func structTypes(decl ast.Decl) []*ast.TypeSpec {
	gd, ok := decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.TYPE {
		return nil
	}
	var out []*ast.TypeSpec
	for _, spec := range gd.Specs {
		ts := spec.(*ast.TypeSpec)
		if _, ok := ts.Type.(*ast.StructType); ok && ts.Name.IsExported() {
			out = append(out, ts)
		}
	}
	return out
}

// isPrivate reports a field the SDK keeps out of the API (+private: state, not a function).
func isPrivate(field *ast.Field) bool {
	return field.Doc != nil && strings.Contains(field.Doc.Text(), "+private")
}

// Resolve returns the object a function's result type names, if a call can go on from it.
func (m *Module) Resolve(returns string) (*Object, bool) {
	name := strings.TrimPrefix(returns, "*")
	if obj, ok := coreObjects[name]; ok {
		return obj, true
	}
	obj, ok := m.Objects[name]
	return obj, ok
}

// FunctionNames lists the functions of an object, sorted, for error messages.
func (o *Object) FunctionNames() []string {
	var out []string
	for n := range o.Functions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// receiverName is the type name of a method's receiver, pointer or not.
func receiverName(recv *ast.FieldList) string {
	if len(recv.List) != 1 {
		return ""
	}
	t := recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// args maps a function's parameters to flags, leaving out the context.
func args(ft *ast.FuncType) map[string]Arg {
	out := map[string]Arg{}
	for _, field := range ft.Params.List {
		if isContext(field) {
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

func isContext(field *ast.Field) bool {
	sel, ok := field.Type.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Context"
}

func firstResult(sf sourceFile, fset *token.FileSet, ft *ast.FuncType) string {
	if ft.Results == nil || len(ft.Results.List) == 0 {
		return ""
	}
	return typeText(sf, fset, ft.Results.List[0].Type)
}

// typeText is a type expression as written in the source.
func typeText(sf sourceFile, fset *token.FileSet, t ast.Expr) string {
	return string(sf.src[fset.Position(t.Pos()).Offset:fset.Position(t.End()).Offset])
}

// Reachable lists the module's object types a call can reach from the main type through
// function results: the ones the CLI shows. An exported struct nobody returns is plain Go.
func (m *Module) Reachable() map[string]bool {
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		obj, ok := m.Objects[name]
		if !ok || seen[name] {
			return
		}
		seen[name] = true
		for _, fn := range obj.Functions {
			visit(strings.TrimPrefix(fn.Returns, "*"))
		}
	}
	visit(m.Main)
	return seen
}
