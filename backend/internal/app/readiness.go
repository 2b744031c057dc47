package app

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
)

// readiness answers /readyz: migrations done by this process, and the
// database answering with the schema at the embedded version.
type readiness struct {
	pool       *pgxpool.Pool
	migrations *migrator
}

func (r *readiness) Ready(ctx context.Context) error {
	if !r.migrations.done() {
		return fmt.Errorf("database migrations not applied yet")
	}
	return migrate.CheckCurrent(ctx, r.pool)
}
