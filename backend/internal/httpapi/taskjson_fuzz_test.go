package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// FuzzTaskJSON holds the hand-written page encoder to encoding/json, byte for
// byte, for any title (invalid UTF-8, controls, HTML, line separators), id,
// time (zones, nanoseconds, years beyond 9999) and cursor. Seeds live in
// testdata/fuzz/FuzzTaskJSON.
func FuzzTaskJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, id int64, title string, done bool, created, updated int64, offset int, cursor string) {
		// An even offset keeps createdAt in UTC, the store's zone and the
		// encoder's own path, over the whole range of years; an odd one takes
		// a fixed zone, encoded by the standard library.
		createdAt := time.Unix(created, updated%1e9).UTC()
		if offset%2 != 0 {
			createdAt = createdAt.In(time.FixedZone("", (offset%(18*3600))/60*60))
		}
		tk := task.Task{ID: id, Title: title, Done: done, CreatedAt: createdAt, UpdatedAt: time.Unix(0, updated).UTC()}
		resp := listResponse{Items: []task.Task{tk, tk}}
		if cursor != "" {
			resp.NextCursor = &cursor
		}
		want, wantErr := json.Marshal(resp)
		got, ok := appendListResponse(nil, resp)
		if (wantErr == nil) != ok {
			t.Fatalf("encoding/json error %v, appendListResponse ok %v for %+v", wantErr, ok, resp)
		}
		if ok && !bytes.Equal(got, want) {
			t.Fatalf("appendListResponse differs from encoding/json:\n got %s\nwant %s", got, want)
		}
		// A task never updated: both times the same, and the same instant in another Location.
		same, other := tk, tk
		same.UpdatedAt = tk.CreatedAt
		other.UpdatedAt = tk.CreatedAt.In(time.FixedZone("", 3600))
		for _, tk := range []task.Task{tk, same, other} {
			one, ok := appendTask(nil, tk)
			want, err := json.Marshal(tk)
			if (err == nil) != ok || ok && !bytes.Equal(one, want) {
				t.Fatalf("appendTask differs from encoding/json (%v, ok %v):\n got %s\nwant %s", err, ok, one, want)
			}
		}
	})
}
