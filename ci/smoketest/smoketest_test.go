package smoketest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBackend is the backend's contract in miniature: readiness after a few polls, tasks in
// memory. The frontend is a reverse proxy in front of it plus a page, as nginx is.
func fakeStack(t *testing.T, readyAfter int, page string) Stack {
	var mu sync.Mutex
	polls := 0
	titles := map[string]string{}
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.URL.Path == "/readyz":
			polls++
			if polls <= readyAfter {
				http.Error(w, `{"error":{"code":"not_ready"}}`, http.StatusServiceUnavailable)
				return
			}
			w.Write([]byte(`{"status":"ok"}`))
		case r.Method == http.MethodPost && r.URL.Path == "/api/tasks":
			var in struct{ Title string }
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			titles["1"] = in.Title
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(map[string]any{"id": 1, "title": in.Title})
		case r.URL.Path == "/api/tasks/1":
			json.NewEncoder(w).Encode(map[string]any{"id": 1, "title": titles["1"]})
		case r.URL.Path == "/api/tasks":
			w.Write([]byte(`{"items":[{"id":1}],"nextCursor":null}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(backend.Close)
	target, _ := url.Parse(backend.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	frontend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			proxy.ServeHTTP(w, r)
			return
		}
		w.Write([]byte(page))
	}))
	t.Cleanup(frontend.Close)
	return Stack{Backend: backend.URL, Frontend: frontend.URL, ReadyWithin: 5 * time.Second}
}

const builtPage = `<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc.js"></script>`

func TestCheckPassesOnAWorkingStack(t *testing.T) {
	lines, err := fakeStack(t, 2, builtPage).Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 5 {
		t.Fatalf("%d checks passed, want 5: %q", len(lines), lines)
	}
}

func TestCheckNamesWhatFailed(t *testing.T) {
	_, err := fakeStack(t, 0, "<html>nginx default page</html>").Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not the built app") {
		t.Fatalf("want the page check to fail, got %v", err)
	}
	s := fakeStack(t, 1000, builtPage)
	s.ReadyWithin = time.Second
	if _, err := s.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "not ready within") {
		t.Fatalf("want a readiness failure, got %v", err)
	}
}
