package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/httpapi"
	"github.com/devsecops-reference/taskboard/backend/internal/metrics"
	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

// BenchmarkListTasks is one list request (a page of 50 of 10,000 tasks)
// through the whole handler: middleware, routing, the store on a real
// PostgreSQL, JSON. make bench-backend reports its allocs/op.
func BenchmarkListTasks(b *testing.B) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	if _, err := migrate.Apply(ctx, pool); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO tasks (title, done)
		SELECT 'seeded task ' || i, i % 3 = 0 FROM generate_series(1, 10000) AS i`); err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h := httpapi.NewServer(logger, postgres.New(pool), schemaReady{pool}, metrics.New())

	list := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/tasks?limit=50", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return rec
	}
	var page struct{ Items []json.RawMessage }
	if err := json.Unmarshal(list().Body.Bytes(), &page); err != nil || len(page.Items) != 50 {
		b.Fatalf("page of %d items, %v", len(page.Items), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		list()
	}
}
