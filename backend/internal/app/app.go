// Package app is the server process: configuration, logging, the database
// pool, background migrations, the HTTP server and its graceful shutdown.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/buildinfo"
	"github.com/devsecops-reference/taskboard/backend/internal/config"
	"github.com/devsecops-reference/taskboard/backend/internal/httpapi"
	"github.com/devsecops-reference/taskboard/backend/internal/metrics"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
)

// Server timeouts: bounded header/body reads against slow clients, and a
// shutdown grace below Kubernetes' default 30 s termination period.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	shutdownGrace     = 20 * time.Second
	dbConnectTimeout  = 2 * time.Second
)

// UsageError is a mistake in the command line or environment (exit code 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usage(err error) error { return &UsageError{Err: err} }

// Run is the whole program; main only supplies the process's real
// context (cancelled on SIGTERM/SIGINT), arguments, environment and output.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	sub := ""
	if len(args) > 1 {
		sub = args[1]
	}
	switch sub {
	case "", "serve":
		return serve(ctx, getenv, stdout)
	case "healthcheck":
		return healthcheck(ctx, getenv)
	case "version":
		info := buildinfo.Get()
		_, err := fmt.Fprintf(stdout, "version=%s commit=%s buildTime=%s\n", info.Version, info.Commit, info.BuildTime)
		return err
	}
	return usage(fmt.Errorf("unknown command %q (want serve, healthcheck or version)", sub))
}

func serve(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return usage(err)
	}
	logger := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(logger)
	info := buildinfo.Get()
	logger.Info("starting", "version", info.Version, "commit", info.Commit,
		"addr", cfg.Addr(), "database", cfg.DatabaseTarget)

	poolCfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil { // already validated by config.Load; no password in pgx's message
		return usage(fmt.Errorf("DATABASE_URL: %w", err))
	}
	if poolCfg.ConnConfig.ConnectTimeout == 0 || poolCfg.ConnConfig.ConnectTimeout > dbConnectTimeout {
		poolCfg.ConnConfig.ConnectTimeout = dbConnectTimeout
	}
	// NewWithConfig does not connect: the server starts even when the database is away.
	pool, err := pgxpool.NewWithConfig(context.Background(), poolCfg)
	if err != nil {
		return fmt.Errorf("create database pool: %w", err)
	}
	defer pool.Close()

	m := metrics.New()
	m.Register(metrics.NewPoolCollector(pool))
	migrations := newMigrator(pool, logger)
	handler := httpapi.NewServer(logger, postgres.New(pool), &readiness{pool: pool, migrations: migrations}, m)

	srv := &http.Server{
		Addr:              cfg.Addr(),
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr(), err)
	}

	migrateCtx, stopMigrating := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { migrations.run(migrateCtx) })

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-serveErr:
		stopMigrating()
		wg.Wait()
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}

	// Stop accepting, let in-flight requests finish, then close the pool (deferred).
	logger.Info("shutting down", "grace", shutdownGrace.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopMigrating()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}
