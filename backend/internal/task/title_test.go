package task

import (
	"strings"
	"testing"
)

func TestNormalizeTitle(t *testing.T) {
	ok := map[string]string{
		"a":                                  "a",
		"  padded \t":                        "padded",
		strings.Repeat("é", 200):             strings.Repeat("é", 200),
		" " + strings.Repeat("x", 200) + " ": strings.Repeat("x", 200),
	}
	for in, want := range ok {
		got, err := NormalizeTitle(in)
		if err != nil || got != want {
			t.Errorf("NormalizeTitle(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", 201), "a\x00b", "line\nbreak", "\xff"} {
		if got, err := NormalizeTitle(bad); err == nil {
			t.Errorf("NormalizeTitle(%q) accepted as %q", bad, got)
		}
	}
}
