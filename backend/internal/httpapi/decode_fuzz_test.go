package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// FuzzDecodeCreate feeds arbitrary bodies to the create path. Whatever the
// input, the outcome is either a 400 with a code and message, or a task
// whose title obeys every rule the database relies on. Seeds live in
// testdata/fuzz/FuzzDecodeCreate and run with every `go test`.
func FuzzDecodeCreate(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		n, e := decodeCreate(body)
		if e != nil {
			checkRejection(t, e)
			return
		}
		checkTitle(t, n.Title)
		// A valid request re-encoded must decode to the same value.
		again, e := decodeCreate(mustJSON(t, map[string]any{"title": n.Title, "done": n.Done}))
		if e != nil || again != n {
			t.Fatalf("round trip of %+v gave %+v, %v", n, again, e)
		}
	})
}

// FuzzDecodePatch does the same for partial updates.
func FuzzDecodePatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		p, e := decodePatch(body)
		if e != nil {
			checkRejection(t, e)
			return
		}
		if p.Title == nil && p.Done == nil {
			t.Fatalf("accepted an empty patch from %q", body)
		}
		if p.Title != nil {
			checkTitle(t, *p.Title)
		}
	})
}

func checkRejection(t *testing.T, e *apiError) {
	t.Helper()
	if e.Status != http.StatusBadRequest || e.Code == "" || e.Message == "" {
		t.Fatalf("rejection must be a 400 with code and message, got %+v", e)
	}
}

func checkTitle(t *testing.T, title string) {
	t.Helper()
	n := utf8.RuneCountInString(title)
	switch {
	case !utf8.ValidString(title):
		t.Fatalf("accepted invalid UTF-8 title %q", title)
	case n < 1 || n > task.MaxTitleLength:
		t.Fatalf("accepted a title of %d characters", n)
	case strings.TrimSpace(title) != title:
		t.Fatalf("accepted an untrimmed title %q", title)
	case strings.IndexFunc(title, unicode.IsControl) >= 0:
		t.Fatalf("accepted a control character in %q", title)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
