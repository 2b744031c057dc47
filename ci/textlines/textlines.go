// Package textlines shortens long tool output for error messages and summaries, saying how much
// was left out.
package textlines

import (
	"fmt"
	"strings"
)

func split(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// Head keeps the first n lines of s, then a line counting the rest.
func Head(s string, n int) string {
	lines := split(s)
	if len(lines) > n {
		lines = append(lines[:n:n], fmt.Sprintf("... (%d more lines)", len(lines)-n))
	}
	return strings.Join(lines, "\n")
}

// Tail keeps the last n lines of s, after a line counting those above.
func Tail(s string, n int) string {
	lines := split(s)
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines above)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
