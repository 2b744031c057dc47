package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"

	"github.com/devsecops-reference/taskboard/backend/internal/buildinfo"
	"github.com/devsecops-reference/taskboard/backend/internal/config"
	"github.com/devsecops-reference/taskboard/backend/internal/httpapi"
	"github.com/devsecops-reference/taskboard/backend/internal/metrics"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
)

// serve is `server serve`: it wires the parts (logger, pool, handler, HTTP
// server, background migrations) and runs them until ctx is cancelled.
func serve(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return usage(err)
	}
	logger := newLogger(stdout, cfg)
	tuneGC(getenv)
	pool, err := openPool(cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	m := metrics.New()
	m.Register(metrics.NewPoolCollector(pool))
	migrations := newMigrator(pool, logger)
	ready := &readiness{pool: pool, migrations: migrations}
	handler := httpapi.NewServer(logger, postgres.New(pool), ready, m)

	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr(), err)
	}
	// Migrations run beside the server and stop with it, whichever way it ends.
	migrateCtx, stopMigrating := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { migrations.run(migrateCtx) })

	err = serveHTTP(ctx, newHTTPServer(cfg.Addr(), handler, logger), ln, logger, cfg.ShutdownDrain, func() { ready.stopping.Store(true) })
	stopMigrating()
	wg.Wait()
	if err != nil {
		return err
	}
	logger.Info("stopped")
	return nil // the pool closes last (deferred), after the in-flight requests
}

// newLogger writes JSON lines at the configured level, and becomes the default
// logger so that library code using slog lands in the same stream.
func newLogger(stdout io.Writer, cfg config.Config) *slog.Logger {
	logger := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(logger)
	info := buildinfo.Get()
	logger.Info("starting", "version", info.Version, "commit", info.Commit,
		"addr", cfg.Addr(), "database", cfg.DatabaseTarget)
	return logger
}
