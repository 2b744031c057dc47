package callcheck

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// skippedDirs hold Markdown that is not ours to check: installed packages, git's own files,
// and test fixtures (which may quote wrong calls on purpose).
var skippedDirs = map[string]bool{"node_modules": true, ".git": true, "testdata": true}

// DocFiles lists, relative to root and slash-separated, every Markdown file of the repository
// and the Azure pipelines (.azure-pipelines/*.yml): every place a `dagger call` is written down.
func DocFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != root && skippedDirs[d.Name()] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil // a worktree's .git is a file
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		ext := strings.ToLower(filepath.Ext(rel))
		inPipelines := strings.HasPrefix(rel, ".azure-pipelines/") && strings.Count(rel, "/") == 1
		if ext == ".md" || inPipelines && (ext == ".yml" || ext == ".yaml") {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}
