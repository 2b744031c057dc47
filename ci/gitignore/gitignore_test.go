package gitignore

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestPatterns(t *testing.T) {
	got, neg := Patterns("", "# build\n/bin/\nnode_modules/\n*.test\n.env\nhelm/x/y.yaml\n!keep.me\n")
	want := []string{"bin", "**/node_modules", "**/*.test", "**/.env", "helm/x/y.yaml"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("root: got %q, want %q", got, want)
	}
	if !reflect.DeepEqual(neg, []string{"keep.me"}) {
		t.Errorf("negations: got %q", neg)
	}
	got, _ = Patterns("frontend", "dist/\ne2e/artifacts/\n")
	want = []string{"frontend/**/dist", "frontend/e2e/artifacts"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("frontend: got %q, want %q", got, want)
	}
}

// TestModuleIgnoresWhatGitIgnores holds the constructor's +ignore list (ci/main.go) to every
// .gitignore of the repository: what git never commits (a local .env, build output, reports)
// must not reach the engine, its caches or Trivy's secret scan either.
func TestModuleIgnoresWhatGitIgnores(t *testing.T) {
	src, err := os.ReadFile("../main.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\+ignore=\[(.*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("ci/main.go has no +ignore list")
	}
	ignored := map[string]bool{}
	for _, item := range strings.Split(string(m[1]), ",") {
		s, err := strconv.Unquote(strings.TrimSpace(item))
		if err != nil {
			t.Fatalf("+ignore item %s: %v", item, err)
		}
		ignored[s] = true
	}
	from := map[string]string{".git": "the engine's own"}
	root := filepath.Join("..", "..")
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.Name() != ".gitignore" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(p))
		patterns, negations := Patterns(filepath.ToSlash(dir), string(data))
		for _, n := range negations {
			t.Errorf("%s: negation !%s cannot be mirrored in +ignore", p, n)
		}
		for _, pat := range patterns {
			from[pat] = p
			if !ignored[pat] {
				t.Errorf("%s hides %q but ci/main.go's +ignore does not list it", p, pat)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pat := range ignored {
		if _, ok := from[pat]; !ok {
			t.Errorf("+ignore lists %q, which no .gitignore hides: add it to a .gitignore or drop it", pat)
		}
	}
}
