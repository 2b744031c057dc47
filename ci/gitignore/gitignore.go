// Package gitignore turns .gitignore lines into the engine's ignore patterns. The engine does
// not read .gitignore when it uploads the repository, so the module's +ignore list must say the
// same thing in the engine's syntax (Docker's .dockerignore patterns, rooted at the repository).
package gitignore

import (
	"path"
	"strings"
)

// Patterns translates the .gitignore found in dir (slash-separated, "" or "." for the
// repository root) into engine ignore patterns. Negations ("!x") cannot be expressed as an
// ignore entry and are returned separately, for the caller to refuse.
func Patterns(dir, content string) (patterns, negations []string) {
	if dir == "." {
		dir = ""
	}
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			negations = append(negations, path.Join(dir, line[1:]))
			continue
		}
		p := strings.TrimSuffix(line, "/")
		// A slash at the start or in the middle anchors the pattern to dir; otherwise it
		// matches at any depth below dir.
		if strings.Contains(p, "/") {
			p = strings.TrimPrefix(p, "/")
		} else {
			p = "**/" + p
		}
		patterns = append(patterns, path.Join(dir, p))
	}
	return patterns, negations
}
