package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/buildinfo"
	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

func TestHealthReadyVersionMetrics(t *testing.T) {
	srv, _ := newFakeAPI(t)
	wantStatus(t, call(t, srv, "GET", "/healthz", "", ""), http.StatusOK)
	wantStatus(t, call(t, srv, "GET", "/readyz", "", ""), http.StatusOK)

	r := call(t, srv, "GET", "/api/version", "", "")
	wantStatus(t, r, http.StatusOK)
	v := r.json(t)
	if v["version"] != buildinfo.Version || v["commit"] != buildinfo.Commit || v["buildTime"] != buildinfo.BuildTime {
		t.Fatalf("version: %s", r.body)
	}
	if r.header.Get("X-Request-ID") == "" {
		t.Fatal("no X-Request-ID on the response")
	}

	wantStatus(t, call(t, srv, "GET", "/api/tasks/12345", "", ""), http.StatusNotFound)
	r = call(t, srv, "GET", "/metrics", "", "")
	wantStatus(t, r, http.StatusOK)
	for _, want := range []string{
		`taskboard_http_requests_total{method="GET",route="/api/tasks/{id}",status="404"} 1`,
		`taskboard_http_requests_total{method="GET",route="/readyz",status="200"} 1`,
		`taskboard_http_request_duration_seconds_bucket{method="GET",route="/api/version",le="+Inf"} 1`,
		`taskboard_build_info{build_time="` + buildinfo.BuildTime + `",commit="` + buildinfo.Commit + `",version="` + buildinfo.Version + `"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestRequestIDIsEchoed(t *testing.T) {
	srv, _ := newFakeAPI(t)
	req, _ := http.NewRequest("GET", srv.URL+"/healthz", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-ID"); got != "abc-123" {
		t.Fatalf("X-Request-ID %q, want the caller's", got)
	}
}

// Readiness over a real database: 503 before the migrations, 200 after.
func TestReadyOnlyOnceMigrated(t *testing.T) {
	db := pgtest.NewDatabase(t)
	srv := newAPI(t, db, false)
	wantStatus(t, call(t, srv, "GET", "/healthz", "", ""), http.StatusOK)
	r := call(t, srv, "GET", "/readyz", "", "")
	wantStatus(t, r, http.StatusServiceUnavailable)
	if code := r.errorCode(t); code != "not_ready" {
		t.Fatalf("code %q", code)
	}

	ctx := context.Background()
	pool, err := pgxpool.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrate.Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, call(t, srv, "GET", "/readyz", "", ""), http.StatusOK)
}

// With nothing listening where the database should be, every data route is a JSON 503.
func TestDatabaseDownIs503(t *testing.T) {
	srv := newAPI(t, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", false)
	wantStatus(t, call(t, srv, "GET", "/healthz", "", ""), http.StatusOK)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/readyz", ""},
		{"GET", "/api/tasks", ""},
		{"POST", "/api/tasks", `{"title":"a"}`},
		{"GET", "/api/tasks/1", ""},
		{"PATCH", "/api/tasks/1", `{"done":true}`},
		{"DELETE", "/api/tasks/1", ""},
	} {
		r := call(t, srv, c.method, c.path, jsonType, c.body)
		wantStatus(t, r, http.StatusServiceUnavailable)
		r.errorCode(t)
	}
}
