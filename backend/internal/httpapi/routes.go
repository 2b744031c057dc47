package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/devsecops-reference/taskboard/backend/internal/metrics"
)

// addRoutes is the whole API surface in one place.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, store TaskStore, ready Readiness, m *metrics.Metrics) {
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(logger, ready))
	mux.Handle("GET /metrics", m.Handler())
	mux.Handle("GET /api/version", handleVersion())

	mux.Handle("GET /api/tasks", handleListTasks(store))
	mux.Handle("POST /api/tasks", handleCreateTask(store))
	mux.Handle("GET /api/tasks/{id}", handleGetTask(store))
	mux.Handle("PATCH /api/tasks/{id}", handlePatchTask(store))
	mux.Handle("DELETE /api/tasks/{id}", handleDeleteTask(store))
}
