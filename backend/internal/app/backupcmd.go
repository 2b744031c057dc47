package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/devsecops-reference/taskboard/backend/internal/backup"
	"github.com/devsecops-reference/taskboard/backend/internal/config"
)

// backupTimeout bounds one run, below any sane schedule interval; the Job's
// activeDeadlineSeconds is the outer bound.
const backupTimeout = 2 * time.Hour

// runBackup is `server backup`: one backup to S3, then one success line. Any
// failure returns an error, so the process exits non-zero and the Job fails.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return usage(err)
	}
	if fs.NArg() > 0 {
		return usage(fmt.Errorf("backup takes no arguments, got %q", fs.Args()))
	}
	ctx, cancel := context.WithTimeout(ctx, backupTimeout)
	defer cancel()
	cfg, s3cfg, store, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	conn, err := connect(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", cfg.DatabaseTarget, err)
	}
	defer conn.Close(context.Background())
	r, err := backup.Backup(ctx, conn, store, s3cfg.Prefix, os.TempDir(), time.Now())
	if err != nil {
		return fmt.Errorf("backup failed: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "backup ok: %s sha256=%s bytes=%d rows=%d schema=%d server=%s took=%s\n",
		r.Object, r.SHA256, r.Bytes, r.Rows(), r.Manifest.SchemaVersion, r.Manifest.ServerVersion, r.Took.Round(time.Millisecond))
	return err
}

// runRestore is `server restore [-key KEY] [-overwrite-database NAME]`. The
// flags default to RESTORE_KEY and RESTORE_OVERWRITE_DATABASE: a Job created
// from the chart's restore CronJob gets them with `kubectl set env`, since
// `kubectl create job --from` cannot change a container's arguments.
func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	key := fs.String("key", getenv("RESTORE_KEY"), "object key of the backup to restore (default: $RESTORE_KEY, else the newest under BACKUP_S3_PREFIX)")
	overwrite := fs.String("overwrite-database", getenv("RESTORE_OVERWRITE_DATABASE"), "replace the rows of this database (must be its name) if it holds any (default: $RESTORE_OVERWRITE_DATABASE)")
	if err := fs.Parse(args); err != nil {
		return usage(err)
	}
	if fs.NArg() > 0 {
		return usage(fmt.Errorf("restore takes only flags, got %q", fs.Args()))
	}
	ctx, cancel := context.WithTimeout(ctx, backupTimeout)
	defer cancel()
	cfg, s3cfg, store, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	r, err := backup.Restore(ctx, store, s3cfg.Prefix, *key, os.TempDir(), *overwrite,
		func(ctx context.Context) (*pgx.Conn, error) { return connect(ctx, cfg) })
	if err != nil {
		return fmt.Errorf("restore failed: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "restore ok: %s sha256=%s rows=%d schema=%d taken=%s server=%s took=%s\n",
		r.Object, r.SHA256, r.Rows(), r.Manifest.SchemaVersion, r.Manifest.CreatedAt.Format(time.RFC3339),
		r.Manifest.ServerVersion, r.Took.Round(time.Millisecond))
	return err
}

// openStore reads the database and S3 settings both commands share and opens the bucket.
func openStore(ctx context.Context, getenv func(string) string) (config.Config, backup.S3Config, *backup.S3Store, error) {
	cfg, s3cfg, err := backupConfig(getenv)
	if err != nil {
		return cfg, s3cfg, nil, err
	}
	store, err := backup.NewS3Store(ctx, s3cfg)
	return cfg, s3cfg, store, err
}

func backupConfig(getenv func(string) string) (config.Config, backup.S3Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return cfg, backup.S3Config{}, usage(err)
	}
	s3cfg, err := backup.S3ConfigFromEnv(getenv)
	if err != nil {
		return cfg, s3cfg, usage(err)
	}
	return cfg, s3cfg, nil
}

// connectRetryFor bounds how long the Jobs wait for the database to be reachable. A Job's pod
// can start before the cluster's network policy admits it: the database's ingress rule lists
// the pods it allows, and the network plugin adds a new pod to it a moment after the pod starts
// (seen on a cluster: "connection refused" from the restore Job, kube-router). The backend
// retries too, in its migrator.
const connectRetryFor = time.Minute

func connect(ctx context.Context, cfg config.Config) (*pgx.Conn, error) {
	cc, err := pgx.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = 10 * time.Second
	}
	return retryConnect(ctx, connectRetryFor, time.Second, func(ctx context.Context) (*pgx.Conn, error) {
		return pgx.ConnectConfig(ctx, cc)
	})
}

// retryConnect calls try until it succeeds, the server itself refuses (a PostgreSQL error:
// password, database name; retrying would not help), or limit has passed; the wait between
// tries starts at wait and doubles up to 5 s. The error is the last one, with the tries counted.
func retryConnect(ctx context.Context, limit, wait time.Duration, try func(context.Context) (*pgx.Conn, error)) (*pgx.Conn, error) {
	deadline := time.Now().Add(limit)
	for n := 1; ; n++ {
		conn, err := try(ctx)
		var pgErr *pgconn.PgError
		if err == nil || errors.As(err, &pgErr) || ctx.Err() != nil {
			return conn, err
		}
		if time.Now().Add(wait).After(deadline) {
			return nil, fmt.Errorf("%w (%d tries in %s)", err, n, limit)
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}
