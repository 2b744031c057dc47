package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/httpapi"
	"github.com/devsecops-reference/taskboard/backend/internal/metrics"
	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// schemaReady is readiness as the server defines it: the schema is current.
type schemaReady struct{ pool *pgxpool.Pool }

func (s schemaReady) Ready(ctx context.Context) error { return migrate.CheckCurrent(ctx, s.pool) }

// newFakeAPI serves the real handler over a fakeStore, always ready: for the
// tests about HTTP that need no database.
func newFakeAPI(t *testing.T) (*httptest.Server, *fakeStore) {
	t.Helper()
	store := &fakeStore{}
	ready := readyFunc(func(context.Context) error { return nil })
	return serveAPI(t, store, ready), store
}

type readyFunc func(context.Context) error

func (f readyFunc) Ready(ctx context.Context) error { return f(ctx) }

// newAPI serves the real handler over a real store; migrated=false leaves the database empty.
func newAPI(t *testing.T, dbURL string, migrated bool) *httptest.Server {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if migrated {
		if _, err := migrate.Apply(context.Background(), pool); err != nil {
			t.Fatal(err)
		}
	}
	return serveAPI(t, postgres.New(pool), schemaReady{pool})
}

func serveAPI(t *testing.T, store httpapi.TaskStore, ready httpapi.Readiness) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv := httptest.NewServer(httpapi.NewServer(logger, store, ready, metrics.New()))
	t.Cleanup(srv.Close)
	return srv
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.body)
	}
	return v
}

// errorCode asserts the {"error":{"code","message"}} shape and returns the code.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	e, ok := r.json(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", r.body)
	}
	code, _ := e["code"].(string)
	msg, _ := e["message"].(string)
	if code == "" || msg == "" {
		t.Fatalf("error without code or message: %s", r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error Content-Type %q", ct)
	}
	return code
}

func call(t *testing.T, srv *httptest.Server, method, path, contentType, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func wantStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %s", r.status, want, r.body)
	}
}
