// Package httpapi is the HTTP surface of the backend: routes, JSON encoding,
// errors, and the middleware that logs, measures and tags each request.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/devsecops-reference/taskboard/backend/internal/metrics"
	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// TaskStore is what the task handlers need from storage.
type TaskStore interface {
	List(ctx context.Context, q task.ListQuery) (task.Page, error)
	Create(ctx context.Context, n task.New) (task.Task, error)
	Get(ctx context.Context, id int64) (task.Task, error)
	Update(ctx context.Context, id int64, p task.Patch) (task.Task, error)
	Delete(ctx context.Context, id int64) error
}

// Readiness reports whether the database answers and the schema is current.
type Readiness interface {
	Ready(ctx context.Context) error
}

// NewServer wires the routes and middleware into one handler.
func NewServer(logger *slog.Logger, store TaskStore, ready Readiness, m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, logger, store, ready, m)
	var h http.Handler = jsonFallback(mux)
	h = recoverPanics(h)
	h = observe(h, logger, m)
	h = withRequestID(h, logger)
	return h
}
