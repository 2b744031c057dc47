package app

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
)

// readiness answers /readyz: migrations done by this process, the database
// answering with the schema at the embedded version, and no shutdown under way.
type readiness struct {
	pool       *pgxpool.Pool
	migrations *migrator
	stopping   atomic.Bool
}

func (r *readiness) Ready(ctx context.Context) error {
	if r.stopping.Load() {
		return fmt.Errorf("shutting down")
	}
	if !r.migrations.done() {
		return fmt.Errorf("database migrations not applied yet")
	}
	return migrate.CheckCurrent(ctx, r.pool)
}
