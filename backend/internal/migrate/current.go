package migrate

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Current returns the highest applied version; an error when the table is missing.
func Current(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var v int32
	err := pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return int(v), err
}

// CheckCurrent answers "is the schema current?": nil when the database
// answers with the schema at Latest or newer (a newer replica may have
// migrated ahead during a rollout). Readiness and the tests share it, so
// both mean the same thing by "migrated". Its messages are shown on
// /readyz: they name versions, never the database's own error.
func CheckCurrent(ctx context.Context, pool *pgxpool.Pool) error {
	have, err := Current(ctx, pool)
	if err != nil {
		return fmt.Errorf("database not reachable")
	}
	if want := Latest(); have < want {
		return fmt.Errorf("database schema at version %d, want %d", have, want)
	}
	return nil
}
