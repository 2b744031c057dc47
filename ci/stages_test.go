package main

import (
	"strings"
	"testing"
)

func TestQuoteAllAndCombined(t *testing.T) {
	if got := strings.Join(quoteAll([]string{"./backend/...", "it's"}), " "); got != `'./backend/...' 'it'\''s'` {
		t.Fatalf("quoteAll = %s", got)
	}
	if r := (execResult{Stdout: "out\n", Stderr: "err"}).Combined(); r != "out\nerr" {
		t.Fatalf("Combined = %q", r)
	}
}
