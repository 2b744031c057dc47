package app

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
)

// migrator applies migrations in the background, retrying until the database
// accepts them, so the process can start before PostgreSQL and report
// not-ready meanwhile instead of crash-looping.
type migrator struct {
	pool    *pgxpool.Pool
	logger  *slog.Logger
	applied atomic.Bool
}

const (
	firstRetry = 250 * time.Millisecond
	maxRetry   = 5 * time.Second
)

func newMigrator(pool *pgxpool.Pool, logger *slog.Logger) *migrator {
	return &migrator{pool: pool, logger: logger}
}

func (m *migrator) done() bool { return m.applied.Load() }

func (m *migrator) run(ctx context.Context) {
	wait := firstRetry
	for attempt := 1; ; attempt++ {
		versions, err := migrate.Apply(ctx, m.pool)
		if err == nil {
			m.applied.Store(true)
			m.logger.Info("migrations applied", "applied", versions, "schema_version", migrate.Latest())
			return
		}
		if ctx.Err() != nil {
			return
		}
		m.logger.Warn("migrations failed, will retry", "attempt", attempt, "retry_in", wait.String(), "error", err.Error())
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, maxRetry)
	}
}
