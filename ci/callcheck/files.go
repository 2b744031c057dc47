package callcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// sourceFile is one hand-written Go file of the module, parsed with its comments.
type sourceFile struct {
	name string
	src  []byte
	file *ast.File
}

// moduleFiles parses the Go files of dir that define the module's API: not tests, and not what
// `dagger develop` generates (dagger.gen.go declares methods on the main type for the SDK's
// plumbing, such as UnmarshalJSON, which are not functions of the module).
func moduleFiles(fset *token.FileSet, dir string) ([]sourceFile, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []sourceFile
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if ast.IsGenerated(f) {
			continue
		}
		out = append(out, sourceFile{name: name, src: src, file: f})
	}
	return out, nil
}
