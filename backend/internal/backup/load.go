package backup

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
)

// ErrHoldsData is returned when the target database has rows and the caller
// did not name it for overwriting.
var ErrHoldsData = errors.New("database holds data")

// lockTimeout bounds the wait for the backend's locks on the tables restore replaces.
const lockTimeout = "30s"

// Load restores an archive (already verified by its object checksum and
// Inspect) into the database conn is connected to, in one transaction: it
// drops the application's tables, runs the migrations up to the backup's
// schema version, copies the rows back, sets the sequences, then migrates on
// to this binary's latest version. Any error rolls everything back. A
// database whose tables hold rows is refused unless overwrite names it.
func Load(ctx context.Context, conn *pgx.Conn, archive io.Reader, overwrite string) (Manifest, error) {
	a, err := openArchive(archive)
	if err != nil {
		return Manifest{}, err
	}
	m := a.m
	if latest := migrate.Latest(); m.SchemaVersion > latest {
		return m, fmt.Errorf("backup is at schema version %d, this binary knows up to %d: restore with the image that took it or a newer one", m.SchemaVersion, latest)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return m, err
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // after Commit: a no-op
	if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '"+lockTimeout+"'"); err != nil {
		return m, err
	}
	if err := clearTarget(ctx, tx, overwrite); err != nil {
		return m, err
	}
	if _, err := migrate.ApplyTx(ctx, tx, m.SchemaVersion); err != nil {
		return m, fmt.Errorf("rebuild schema at version %d: %w", m.SchemaVersion, err)
	}
	err = a.eachTable(func(t Table, rows io.Reader) error {
		tag, err := tx.Conn().PgConn().CopyFrom(ctx, rows, "COPY "+copyTarget(t)+" FROM STDIN")
		if err != nil {
			return fmt.Errorf("copy %s back: %w", t.Name, err)
		}
		if tag.RowsAffected() != t.Rows {
			return fmt.Errorf("copy %s back: %d rows, manifest says %d", t.Name, tag.RowsAffected(), t.Rows)
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	for _, s := range m.Sequences {
		name := pgx.Identifier{appSchema, s.Name}.Sanitize()
		if _, err := tx.Exec(ctx, `SELECT setval($1::regclass, $2, $3)`, name, s.LastValue, s.IsCalled); err != nil {
			return m, fmt.Errorf("set sequence %s: %w", s.Name, err)
		}
	}
	if _, err := migrate.ApplyTx(ctx, tx, migrate.Latest()); err != nil {
		return m, fmt.Errorf("migrate restored data: %w", err)
	}
	return m, tx.Commit(ctx)
}

// clearTarget drops the application's tables, refusing when any of them holds
// rows and overwrite does not name the database. Tables of a schema the
// backend migrated but never used (a fresh StatefulSet) are not data.
func clearTarget(ctx context.Context, tx pgx.Tx, overwrite string) error {
	var db string
	if err := tx.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		return err
	}
	if overwrite != "" && overwrite != db {
		return fmt.Errorf("--overwrite-database=%s does not name the database being restored (%s)", overwrite, db)
	}
	rows, err := tx.Query(ctx, `
		SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`, appSchema)
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	for _, t := range tables {
		if t == migrationsTable {
			continue
		}
		var has bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgx.Identifier{appSchema, t}.Sanitize()+")").Scan(&has); err != nil {
			return fmt.Errorf("look into %s: %w", t, err)
		}
		if has && overwrite == "" {
			return fmt.Errorf("%w: table %s of database %s has rows; to replace them, pass --overwrite-database=%s", ErrHoldsData, t, db, db)
		}
	}
	for _, t := range tables {
		if _, err := tx.Exec(ctx, "DROP TABLE "+pgx.Identifier{appSchema, t}.Sanitize()+" CASCADE"); err != nil {
			return fmt.Errorf("drop %s: %w", t, err)
		}
	}
	return nil
}
