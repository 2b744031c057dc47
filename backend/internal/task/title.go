package task

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTitleLength is the longest title accepted, in characters (runes).
const MaxTitleLength = 200

// NormalizeTitle trims the title and checks it is 1–200 characters of
// printable text. PostgreSQL rejects NUL in text, so control characters
// are refused here rather than failing later as a server error.
func NormalizeTitle(raw string) (string, error) {
	if !utf8.ValidString(raw) {
		return "", fmt.Errorf("title must be valid UTF-8")
	}
	title := strings.TrimSpace(raw)
	n := utf8.RuneCountInString(title)
	switch {
	case n == 0:
		return "", fmt.Errorf("title must not be empty")
	case n > MaxTitleLength:
		return "", fmt.Errorf("title must be at most %d characters, got %d", MaxTitleLength, n)
	}
	if i := strings.IndexFunc(title, unicode.IsControl); i >= 0 {
		return "", fmt.Errorf("title must not contain control characters")
	}
	return title, nil
}
