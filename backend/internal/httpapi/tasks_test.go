package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

const jsonType = "application/json"

// TestTaskLifecycle runs over both stores: over PostgreSQL for the whole
// path, and over the fake to hold it to what the other tests rely on.
func TestTaskLifecycle(t *testing.T) {
	t.Run("postgres", func(t *testing.T) { checkLifecycle(t, newAPI(t, pgtest.NewDatabase(t), true)) })
	t.Run("fake", func(t *testing.T) {
		srv, _ := newFakeAPI(t)
		checkLifecycle(t, srv)
	})
}

func checkLifecycle(t *testing.T, srv *httptest.Server) {
	r := call(t, srv, "POST", "/api/tasks", "application/json; charset=utf-8", `{"title":"  buy milk  "}`)
	wantStatus(t, r, http.StatusCreated)
	created := r.json(t)
	id := int64(created["id"].(float64))
	if created["title"] != "buy milk" || created["done"] != false {
		t.Fatalf("created %s, want trimmed title and done=false", r.body)
	}
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/tasks/%d", id) {
		t.Fatalf("Location %q", loc)
	}
	for _, field := range []string{"createdAt", "updatedAt"} {
		if _, err := time.Parse(time.RFC3339, created[field].(string)); err != nil {
			t.Fatalf("%s is not RFC 3339: %v", field, err)
		}
	}

	r = call(t, srv, "GET", fmt.Sprintf("/api/tasks/%d", id), "", "")
	wantStatus(t, r, http.StatusOK)
	if r.json(t)["title"] != "buy milk" {
		t.Fatalf("get: %s", r.body)
	}

	r = call(t, srv, "PATCH", fmt.Sprintf("/api/tasks/%d", id), jsonType, `{"done":true}`)
	wantStatus(t, r, http.StatusOK)
	if got := r.json(t); got["done"] != true || got["title"] != "buy milk" {
		t.Fatalf("patch: %s", r.body)
	}

	r = call(t, srv, "POST", "/api/tasks", jsonType, `{"title":"second","done":true}`)
	wantStatus(t, r, http.StatusCreated)

	r = call(t, srv, "GET", "/api/tasks", "", "")
	wantStatus(t, r, http.StatusOK)
	list := r.json(t)
	if items := list["items"].([]any); len(items) != 2 || list["nextCursor"] != nil {
		t.Fatalf("list: %s", r.body)
	}

	r = call(t, srv, "DELETE", fmt.Sprintf("/api/tasks/%d", id), "", "")
	wantStatus(t, r, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Fatalf("204 with body %q", r.body)
	}
	for _, method := range []string{"GET", "DELETE"} {
		r = call(t, srv, method, fmt.Sprintf("/api/tasks/%d", id), "", "")
		wantStatus(t, r, http.StatusNotFound)
		if code := r.errorCode(t); code != "not_found" {
			t.Fatalf("%s missing task: code %q", method, code)
		}
	}
	r = call(t, srv, "PATCH", fmt.Sprintf("/api/tasks/%d", id), jsonType, `{"done":false}`)
	wantStatus(t, r, http.StatusNotFound)
}

func TestListPaginationAndFilter(t *testing.T) {
	srv, _ := newFakeAPI(t)
	for i := range 5 {
		r := call(t, srv, "POST", "/api/tasks", jsonType, fmt.Sprintf(`{"title":"t%d","done":%t}`, i, i < 2))
		wantStatus(t, r, http.StatusCreated)
	}
	var titles []string
	path := "/api/tasks?limit=2"
	for pages := 1; ; pages++ {
		r := call(t, srv, "GET", path, "", "")
		wantStatus(t, r, http.StatusOK)
		body := r.json(t)
		for _, it := range body["items"].([]any) {
			titles = append(titles, it.(map[string]any)["title"].(string))
		}
		next, ok := body["nextCursor"].(string)
		if !ok {
			if pages != 3 || body["nextCursor"] != nil {
				t.Fatalf("ended after %d pages with nextCursor %v", pages, body["nextCursor"])
			}
			break
		}
		path = "/api/tasks?limit=2&cursor=" + next
	}
	if got := strings.Join(titles, ","); got != "t4,t3,t2,t1,t0" {
		t.Fatalf("pages gave %s, want newest first t4..t0", got)
	}

	r := call(t, srv, "GET", "/api/tasks?done=true", "", "")
	wantStatus(t, r, http.StatusOK)
	if items := r.json(t)["items"].([]any); len(items) != 2 {
		t.Fatalf("done=true: %s", r.body)
	}
	r = call(t, srv, "GET", "/api/tasks?done=false&limit=200", "", "")
	wantStatus(t, r, http.StatusOK)
	if items := r.json(t)["items"].([]any); len(items) != 3 {
		t.Fatalf("done=false: %s", r.body)
	}
}

// TestListQueryEscapes: a query string that parses is read with its escapes
// decoded; only one that does not parse is refused (TestRequestErrors).
func TestListQueryEscapes(t *testing.T) {
	srv, _ := newFakeAPI(t)
	wantStatus(t, call(t, srv, "POST", "/api/tasks", jsonType, `{"title":"open"}`), http.StatusCreated)
	wantStatus(t, call(t, srv, "POST", "/api/tasks", jsonType, `{"title":"closed","done":true}`), http.StatusCreated)
	r := call(t, srv, "GET", "/api/tasks?%64one=%74rue&limit=%35&unused=x+y", "", "")
	wantStatus(t, r, http.StatusOK)
	items := r.json(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["title"] != "closed" {
		t.Fatalf("escaped done=true gave %s", r.body)
	}
}

func TestEmptyListIsAnArray(t *testing.T) {
	srv, _ := newFakeAPI(t)
	r := call(t, srv, "GET", "/api/tasks", "", "")
	wantStatus(t, r, http.StatusOK)
	if got := strings.TrimSpace(string(r.body)); got != `{"items":[],"nextCursor":null}` {
		t.Fatalf("empty list: %s", got)
	}
}

func TestDefaultLimitIs50(t *testing.T) {
	srv, _ := newFakeAPI(t)
	for i := range 51 {
		wantStatus(t, call(t, srv, "POST", "/api/tasks", jsonType, fmt.Sprintf(`{"title":"t%d"}`, i)), http.StatusCreated)
	}
	body := call(t, srv, "GET", "/api/tasks", "", "").json(t)
	if n := len(body["items"].([]any)); n != 50 || body["nextCursor"] == nil {
		t.Fatalf("default page has %d items, nextCursor %v", n, body["nextCursor"])
	}
}

func TestRequestErrors(t *testing.T) {
	srv, _ := newFakeAPI(t)
	created := call(t, srv, "POST", "/api/tasks", jsonType, `{"title":"exists"}`)
	wantStatus(t, created, http.StatusCreated)
	item := fmt.Sprintf("/api/tasks/%d", int64(created.json(t)["id"].(float64)))
	huge := `{"title":"` + strings.Repeat("a", 1<<20) + `"}`

	cases := []struct {
		name, method, path, contentType, body string
		status                                int
		code                                  string
	}{
		{"malformed JSON", "POST", "/api/tasks", jsonType, `{"title":`, 400, "invalid_json"},
		{"not an object", "POST", "/api/tasks", jsonType, `["a"]`, 400, "invalid_json"},
		{"empty body", "POST", "/api/tasks", jsonType, ``, 400, "invalid_json"},
		{"trailing data", "POST", "/api/tasks", jsonType, `{"title":"a"} {}`, 400, "invalid_json"},
		{"unknown field", "POST", "/api/tasks", jsonType, `{"title":"a","owner":"me"}`, 400, "unknown_field"},
		{"field name in another case", "POST", "/api/tasks", jsonType, `{"Title":"a"}`, 400, "unknown_field"},
		{"missing title", "POST", "/api/tasks", jsonType, `{"done":true}`, 400, "invalid_value"},
		{"blank title", "POST", "/api/tasks", jsonType, `{"title":"   "}`, 400, "invalid_value"},
		{"title too long", "POST", "/api/tasks", jsonType, `{"title":"` + strings.Repeat("é", 201) + `"}`, 400, "invalid_value"},
		{"title not a string", "POST", "/api/tasks", jsonType, `{"title":5}`, 400, "invalid_value"},
		{"null title", "POST", "/api/tasks", jsonType, `{"title":null}`, 400, "invalid_value"},
		{"control character", "POST", "/api/tasks", jsonType, `{"title":"a\u0000b"}`, 400, "invalid_value"},
		{"done not a boolean", "PATCH", item, jsonType, `{"done":"yes"}`, 400, "invalid_value"},
		{"empty patch", "PATCH", item, jsonType, `{}`, 400, "invalid_value"},
		{"bad id", "GET", "/api/tasks/abc", "", "", 400, "invalid_value"},
		{"zero id", "DELETE", "/api/tasks/0", "", "", 400, "invalid_value"},
		{"limit too big", "GET", "/api/tasks?limit=201", "", "", 400, "invalid_value"},
		{"limit zero", "GET", "/api/tasks?limit=0", "", "", 400, "invalid_value"},
		{"limit not a number", "GET", "/api/tasks?limit=ten", "", "", 400, "invalid_value"},
		{"bad done filter", "GET", "/api/tasks?done=maybe", "", "", 400, "invalid_value"},
		{"bad cursor", "GET", "/api/tasks?cursor=not-a-cursor", "", "", 400, "invalid_cursor"},
		{"forged cursor", "GET", "/api/tasks?cursor=djE6LTE", "", "", 400, "invalid_cursor"},
		{"cursor with stray bits", "GET", "/api/tasks?cursor=djE6OB", "", "", 400, "invalid_cursor"},
		{"undecodable cursor escape", "GET", "/api/tasks?cursor=%%%garbage", "", "", 400, "invalid_query"},
		{"bad escape beside a good pair", "GET", "/api/tasks?limit=10&%zz=1", "", "", 400, "invalid_query"},
		{"truncated escape", "GET", "/api/tasks?done=tru%", "", "", 400, "invalid_query"},
		{"semicolon separator", "GET", "/api/tasks?limit=5;done=true", "", "", 400, "invalid_query"},
		{"missing task", "GET", "/api/tasks/999999", "", "", 404, "not_found"},
		{"unknown route", "GET", "/api/nothing", "", "", 404, "not_found"},
		{"unknown root path", "GET", "/favicon.ico", "", "", 404, "not_found"},
		{"body too large", "POST", "/api/tasks", jsonType, huge, 413, "payload_too_large"},
		{"not JSON", "POST", "/api/tasks", "text/plain", `{"title":"a"}`, 415, "unsupported_media_type"},
		{"no content type", "PATCH", item, "", `{"done":true}`, 415, "unsupported_media_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, srv, tc.method, tc.path, tc.contentType, tc.body)
			wantStatus(t, r, tc.status)
			if code := r.errorCode(t); code != tc.code {
				t.Fatalf("code %q, want %q (%s)", code, tc.code, r.body)
			}
		})
	}

	// The failed requests changed nothing.
	body := call(t, srv, "GET", "/api/tasks", "", "").json(t)
	if items := body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["title"] != "exists" {
		t.Fatalf("bad requests changed the data: %v", items)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	srv, _ := newFakeAPI(t)
	cases := []struct{ method, path, allow string }{
		{"PUT", "/api/tasks", "GET, HEAD, POST"},
		{"POST", "/api/tasks/1", "DELETE, GET, HEAD, PATCH"},
		{"DELETE", "/healthz", "GET, HEAD"},
		{"POST", "/api/version", "GET, HEAD"},
	}
	for _, tc := range cases {
		r := call(t, srv, tc.method, tc.path, jsonType, `{}`)
		wantStatus(t, r, http.StatusMethodNotAllowed)
		if code := r.errorCode(t); code != "method_not_allowed" {
			t.Fatalf("%s %s: code %q", tc.method, tc.path, code)
		}
		if got := r.header.Get("Allow"); got != tc.allow {
			t.Fatalf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}
