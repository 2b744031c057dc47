package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Result is what a backup or restore did, for its one success line.
type Result struct {
	Object   string
	SHA256   string
	Bytes    int64
	Manifest Manifest
	Took     time.Duration
}

// Rows is the number of rows over every table.
func (r Result) Rows() int64 {
	var n int64
	for _, t := range r.Manifest.Tables {
		n += t.Rows
	}
	return n
}

// Backup dumps the database into a file in tmpDir, hashing it as it is
// written, and uploads it under prefix with its SHA-256 and versions as
// metadata. Nothing is uploaded unless the dump completed.
func Backup(ctx context.Context, conn *pgx.Conn, store Store, prefix, tmpDir string, now time.Time) (Result, error) {
	start := time.Now()
	f, err := os.CreateTemp(tmpDir, "backup-*.tar.gz")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h)}
	m, err := Dump(ctx, conn, tmpDir, cw, now)
	if err != nil {
		return Result{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Result{}, err
	}
	r := Result{Object: ObjectKey(prefix, now), SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: cw.n, Manifest: m}
	meta := map[string]string{
		MetaSHA256:        r.SHA256,
		MetaServerVersion: m.ServerVersion,
		MetaSchemaVersion: strconv.Itoa(m.SchemaVersion),
		MetaFormat:        strconv.Itoa(m.Format),
	}
	if err := store.Put(ctx, r.Object, f, r.Bytes, meta); err != nil {
		return Result{}, err
	}
	r.Object, r.Took = store.Describe(r.Object), time.Since(start)
	return r, nil
}

// Newest is the greatest backup key under prefix (keys sort by time).
func Newest(ctx context.Context, store Store, prefix string) (string, error) {
	keys, err := store.List(ctx, prefix)
	if err != nil {
		return "", err
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return !IsBackupKey(prefix, k) })
	if len(keys) == 0 {
		return "", fmt.Errorf("no backup under %s", store.Describe(prefix))
	}
	return slices.Max(keys), nil
}

// Fetch downloads key into a file in tmpDir and verifies it whole before
// anyone reads it: its SHA-256 against the object's metadata, then every
// archive member against the manifest. The caller removes the file.
func Fetch(ctx context.Context, store Store, key, tmpDir string) (*os.File, Result, error) {
	f, err := os.CreateTemp(tmpDir, "restore-*.tar.gz")
	if err != nil {
		return nil, Result{}, err
	}
	fail := func(err error) (*os.File, Result, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, Result{}, err
	}
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h)}
	meta, err := store.Get(ctx, key, cw)
	if err != nil {
		return fail(err)
	}
	r := Result{Object: store.Describe(key), SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: cw.n}
	want := meta[MetaSHA256]
	if want == "" {
		return fail(fmt.Errorf("%s has no %s metadata: not a backup of this tool, refusing it", r.Object, MetaSHA256))
	}
	if want != r.SHA256 {
		return fail(fmt.Errorf("%s is corrupt or truncated: SHA-256 of its %d bytes is %s, the backup recorded %s; the database was not touched", r.Object, r.Bytes, r.SHA256, want))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	if r.Manifest, err = Inspect(f); err != nil {
		return fail(fmt.Errorf("%s: %w; the database was not touched", r.Object, err))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	return f, r, nil
}

// Restore fetches and verifies key (the newest backup when empty), and only
// then connects and loads it. connect is called after verification, so a bad
// object never reaches the database.
func Restore(ctx context.Context, store Store, prefix, key, tmpDir, overwrite string, connect func(context.Context) (*pgx.Conn, error)) (Result, error) {
	start := time.Now()
	if key == "" {
		var err error
		if key, err = Newest(ctx, store, prefix); err != nil {
			return Result{}, err
		}
	}
	f, r, err := Fetch(ctx, store, key, tmpDir)
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	conn, err := connect(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := Load(ctx, conn, f, overwrite); err != nil {
		if errors.Is(err, ErrHoldsData) {
			return Result{}, err
		}
		return Result{}, fmt.Errorf("restore %s: %w (rolled back: the database is as it was)", r.Object, err)
	}
	r.Took = time.Since(start)
	return r, nil
}
