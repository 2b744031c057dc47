package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

// appSchema is where the migrations create the application's objects.
const appSchema = "public"

// migrationsTable is recorded as a version, not copied: restore re-runs the migrations.
const migrationsTable = "schema_migrations"

// Dump writes a gzip-compressed tar archive of the database to w: manifest.json,
// then one COPY (text format) per table. Everything is read in one REPEATABLE
// READ, READ ONLY transaction, so the tables agree with each other and with the
// schema version even while the application writes. tmpDir holds each table's
// rows until the archive is written (tar needs a member's size up front).
func Dump(ctx context.Context, conn *pgx.Conn, tmpDir string, w io.Writer, now time.Time) (Manifest, error) {
	m := Manifest{Format: FormatVersion, CreatedAt: now.UTC().Truncate(time.Second)}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return m, fmt.Errorf("begin snapshot: %w", err)
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // read-only: nothing to undo

	if err := tx.QueryRow(ctx, `SELECT current_setting('server_version'), current_database()`).Scan(&m.ServerVersion, &m.Database); err != nil {
		return m, fmt.Errorf("read server version: %w", err)
	}
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&m.SchemaVersion); err != nil {
		return m, fmt.Errorf("read schema version (has the backend ever migrated this database?): %w", err)
	}
	tables, err := listTables(ctx, tx)
	if err != nil {
		return m, err
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	for _, t := range tables {
		f, err := os.CreateTemp(tmpDir, "table-*.copy")
		if err != nil {
			return m, err
		}
		files = append(files, f)
		if err := copyOut(ctx, tx, &t, f); err != nil {
			return m, err
		}
		m.Tables = append(m.Tables, t)
	}
	if m.Sequences, err = readSequences(ctx, tx); err != nil {
		return m, err
	}
	if err := tx.Commit(ctx); err != nil {
		return m, fmt.Errorf("end snapshot: %w", err)
	}
	return m, writeArchive(w, m, files)
}

// listTables returns the application's tables (but schema_migrations) and the
// columns COPY can write back (not GENERATED ... STORED ones).
func listTables(ctx context.Context, tx pgx.Tx) ([]Table, error) {
	rows, err := tx.Query(ctx, `
		SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum)
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> $2
		GROUP BY c.relname
		ORDER BY c.relname`, appSchema, migrationsTable)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Table, error) {
		var t Table
		return t, r.Scan(&t.Name, &t.Columns)
	})
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return tables, nil
}

func copyOut(ctx context.Context, tx pgx.Tx, t *Table, f *os.File) error {
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h)}
	tag, err := tx.Conn().PgConn().CopyTo(ctx, cw, "COPY "+copyTarget(*t)+" TO STDOUT")
	if err != nil {
		return fmt.Errorf("copy %s: %w", t.Name, err)
	}
	t.Rows, t.Bytes, t.SHA256 = tag.RowsAffected(), cw.n, hex.EncodeToString(h.Sum(nil))
	_, err = f.Seek(0, io.SeekStart)
	return err
}

// copyTarget is `schema.table (col, ...)`, every name quoted.
func copyTarget(t Table) string {
	s := pgx.Identifier{appSchema, t.Name}.Sanitize() + " ("
	for i, c := range t.Columns {
		if i > 0 {
			s += ", "
		}
		s += pgx.Identifier{c}.Sanitize()
	}
	return s + ")"
}

// readSequences reads every sequence's position. Sequences are not
// transactional: the value is the current one, never below any id the
// snapshot holds, so restored rows never collide with new ones.
func readSequences(ctx context.Context, tx pgx.Tx) ([]Seq, error) {
	rows, err := tx.Query(ctx, `
		SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind = 'S' ORDER BY c.relname`, appSchema)
	if err != nil {
		return nil, fmt.Errorf("list sequences: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list sequences: %w", err)
	}
	seqs := make([]Seq, 0, len(names))
	for _, name := range names {
		s := Seq{Name: name}
		q := "SELECT last_value, is_called FROM " + pgx.Identifier{appSchema, name}.Sanitize()
		if err := tx.QueryRow(ctx, q).Scan(&s.LastValue, &s.IsCalled); err != nil {
			return nil, fmt.Errorf("read sequence %s: %w", name, err)
		}
		seqs = append(seqs, s)
	}
	return seqs, nil
}

func writeArchive(w io.Writer, m Manifest, files []*os.File) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeMember(tw, manifestName, int64(len(body)), m.CreatedAt, bytes.NewReader(body)); err != nil {
		return err
	}
	for i, t := range m.Tables {
		if err := writeMember(tw, t.Member(), t.Bytes, m.CreatedAt, files[i]); err != nil {
			return err
		}
	}
	return errors.Join(tw.Close(), zw.Close())
}

func writeMember(tw *tar.Writer, name string, size int64, mtime time.Time, r io.Reader) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := io.Copy(tw, r); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
