package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/buildinfo"
)

// readyTimeout keeps /readyz answering within 2 s even when the database hangs.
const readyTimeout = 1500 * time.Millisecond

func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

func handleReadyz(logger *slog.Logger, ready Readiness) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := ready.Ready(ctx); err != nil {
			loggerFrom(r.Context(), logger).Warn("not ready", "error", err.Error())
			writeError(w, errorf(http.StatusServiceUnavailable, "not_ready", err.Error()))
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

func handleVersion() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, buildinfo.Get())
	})
}
