package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Server timeouts: bounded header/body reads against slow clients, and a
// shutdown grace below Kubernetes' default 30 s termination period.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	shutdownGrace     = 20 * time.Second
)

func newHTTPServer(addr string, handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serveHTTP serves on ln until ctx is cancelled. Then, for drain, it goes on serving while
// draining (called once) makes /readyz fail, so that a Service or load balancer stops sending new
// connections before the listener closes; then it stops accepting and lets in-flight requests
// finish within shutdownGrace.
func serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger, drain time.Duration, draining func()) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-serveErr:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	if drain > 0 {
		draining()
		logger.Info("draining", "for", drain.String())
		select {
		case err := <-serveErr:
			return fmt.Errorf("http server: %w", err)
		case <-time.After(drain):
		}
	}
	logger.Info("shutting down", "grace", shutdownGrace.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	return nil
}
