package httpapi_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// What a store error becomes on every data route: not found is 404, an
// unreachable database is 503 with Retry-After, anything else is a 500 that
// does not show the error's text.
func TestStoreErrorsAnswer(t *testing.T) {
	routes := []struct{ method, path, body string }{
		{"GET", "/api/tasks", ""},
		{"POST", "/api/tasks", `{"title":"a"}`},
		{"GET", "/api/tasks/1", ""},
		{"PATCH", "/api/tasks/1", `{"done":true}`},
		{"DELETE", "/api/tasks/1", ""},
	}
	cases := []struct {
		name       string
		err        error
		status     int
		code       string
		retryAfter string
	}{
		{"unavailable", fmt.Errorf("dial: %w", task.ErrUnavailable), http.StatusServiceUnavailable, "unavailable", "1"},
		{"unexpected", errors.New("relation tasks: secret detail"), http.StatusInternalServerError, "internal", ""},
		{"not found", fmt.Errorf("wrapped: %w", task.ErrNotFound), http.StatusNotFound, "not_found", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, store := newFakeAPI(t)
			store.fail(tc.err)
			for _, route := range routes {
				r := call(t, srv, route.method, route.path, jsonType, route.body)
				wantStatus(t, r, tc.status)
				if code := r.errorCode(t); code != tc.code {
					t.Fatalf("%s %s: code %q, want %q", route.method, route.path, code, tc.code)
				}
				if got := r.header.Get("Retry-After"); got != tc.retryAfter {
					t.Fatalf("%s %s: Retry-After %q, want %q", route.method, route.path, got, tc.retryAfter)
				}
				if strings.Contains(string(r.body), "secret detail") {
					t.Fatalf("%s %s: the store's error text reached the client: %s", route.method, route.path, r.body)
				}
			}
		})
	}
}
