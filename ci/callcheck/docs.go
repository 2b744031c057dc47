package callcheck

import (
	"fmt"
	"go/ast"
	"go/token"
	"path/filepath"
	"strings"
)

// Undocumented lists the functions of every object type a call can reach (and the constructor),
// and their arguments, that have no doc comment: the SDK turns them into `dagger functions` help.
// Arguments are documented by the comment above them in the parameter list.
func Undocumented(dir, mainType string) ([]string, error) {
	m, err := Load(dir, mainType)
	if err != nil {
		return nil, err
	}
	reachable := m.Reachable()
	fset := token.NewFileSet()
	files, err := moduleFiles(fset, dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sf := range files {
		name, f := sf.name, sf.file
		for _, decl := range f.Decls {
			d, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			isFunction := d.Recv != nil && d.Name.IsExported() && reachable[receiverName(d.Recv)]
			if !isFunction && !(d.Recv == nil && d.Name.Name == "New") {
				continue
			}
			where := fmt.Sprintf("%s: %s", filepath.Base(name), d.Name.Name)
			if d.Doc == nil || strings.TrimSpace(d.Doc.Text()) == "" {
				out = append(out, where+" has no doc comment")
			}
			prevEnd := d.Type.Params.Opening
			for _, field := range d.Type.Params.List {
				doc := commentBefore(fset, f.Comments, prevEnd, field.Pos())
				prevEnd = field.End()
				if sel, ok := field.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Context" {
					continue
				}
				if !hasProse(doc) {
					for _, n := range field.Names {
						out = append(out, fmt.Sprintf("%s: argument %s has no doc comment", where, n.Name))
					}
				}
			}
		}
	}
	return out, nil
}

// commentBefore finds the comment group that sits between two positions and ends on the line
// just above the second: a parameter's doc comment (go/parser leaves Field.Doc empty for
// parameters).
func commentBefore(fset *token.FileSet, groups []*ast.CommentGroup, after, before token.Pos) *ast.CommentGroup {
	line := fset.Position(before).Line
	for _, cg := range groups {
		if cg.Pos() > after && cg.End() < before && fset.Position(cg.End()).Line == line-1 {
			return cg
		}
	}
	return nil
}

// hasProse reports whether a comment group says something besides +pragmas.
func hasProse(cg *ast.CommentGroup) bool {
	if cg == nil {
		return false
	}
	for _, line := range strings.Split(cg.Text(), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "+") {
			return true
		}
	}
	return false
}
