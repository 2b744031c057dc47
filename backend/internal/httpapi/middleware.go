package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/metrics"
)

type ctxKey int

const requestKey ctxKey = iota

// requestInfo is what the middleware hands down a request: its id and the
// server's logger. The logger carrying the id is built only when a handler
// logs (loggerFrom); the access log line adds the id itself. Building it for
// every request (logger.With) showed in the list's profile.
type requestInfo struct {
	id     string
	logger *slog.Logger
}

// requestIDHeader is accepted from a trusted proxy and echoed back.
const requestIDHeader = "X-Request-ID"

// withRequestID gives every request an id (the caller's if sane) and a logger carrying it.
func withRequestID(next http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(requestIDHeader, id)
		ctx := context.WithValue(r.Context(), requestKey, &requestInfo{id: id, logger: logger})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	return strings.IndexFunc(id, func(c rune) bool {
		return !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
	}) < 0
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// loggerFrom returns the request's logger (with its request_id), or fallback
// (or the default) outside a request.
func loggerFrom(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if info, ok := ctx.Value(requestKey).(*requestInfo); ok {
		return info.logger.With("request_id", info.id)
	}
	if fallback != nil {
		return fallback
	}
	return slog.Default()
}

// observe writes one access log line and the metrics for each request.
func observe(next http.Handler, logger *slog.Logger, m *metrics.Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)
		route := routeLabel(r.Pattern)
		m.Observe(route, r.Method, rec.status, elapsed)
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		base, id := logger, []slog.Attr(nil)
		if info, ok := r.Context().Value(requestKey).(*requestInfo); ok {
			base, id = info.logger, []slog.Attr{slog.String("request_id", info.id)}
		}
		if !base.Enabled(r.Context(), level) {
			return
		}
		// The same line logger.With("request_id", id).Log(...) wrote, field for field.
		base.LogAttrs(r.Context(), level, "request", append(id,
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", route),
			slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000))...)
	})
}

// routeLabel keeps metric cardinality bounded: the pattern, never the raw path.
func routeLabel(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return path
	}
	return pattern
}

type statusRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(status int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = status, true
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// recoverPanics answers 500 instead of dropping the connection, and logs the panic.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				loggerFrom(r.Context(), nil).Error("panic", "value", v)
				writeError(w, errorf(http.StatusInternalServerError, "internal", "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
