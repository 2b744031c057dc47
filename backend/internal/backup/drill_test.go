package backup_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/app"
	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgcluster"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/s3test"
)

const (
	bucket = "taskboard-backups"
	prefix = "drill/"
	dbName = "taskboard"
)

// drillTasks is how many tasks the drill backs up: a few thousand in make test,
// 100,000 for the RPO/RTO figures (make drill-backup sets BACKUP_DRILL_TASKS).
func drillTasks(t *testing.T) int {
	raw := os.Getenv("BACKUP_DRILL_TASKS")
	if raw == "" {
		return 3000
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 10 {
		t.Fatalf("BACKUP_DRILL_TASKS=%q: want a number of at least 10", raw)
	}
	return n
}

// TestDrill is the restore drill: tasks written, backed up to a real S3
// server, the data directory wiped, the backup restored by the server's own
// commands, and everything compared; then the refusals.
func TestDrill(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s3 := s3test.Start(t)
	s3.Env(t)
	s3.CreateBucket(t, bucket)
	cluster := pgtest.NewCluster(t)
	createDatabase(t, ctx, cluster)
	url := cluster.URL(dbName)
	env := serverEnv(s3, url)

	n := drillTasks(t)
	writeTasks(t, ctx, url, n)
	before := snapshot(t, ctx, url)

	out, took := runServer(t, ctx, env, "backup")
	if !strings.HasPrefix(out, "backup ok: s3://"+bucket+"/"+prefix+"taskboard-") {
		t.Fatalf("backup printed %q, want a success line naming the object", out)
	}
	t.Logf("backup of %d tasks: %s (%s)", n, took.Round(time.Millisecond), strings.TrimSpace(out))
	key := objectKey(t, out)

	if err := cluster.Wipe(ctx); err != nil {
		t.Fatalf("wipe the data directory: %v", err)
	}
	createDatabase(t, ctx, cluster)

	out, took = runServer(t, ctx, env, "restore") // no -key: the newest
	if !strings.HasPrefix(out, "restore ok: s3://"+bucket+"/"+key) {
		t.Fatalf("restore printed %q, want a success line naming %s", out, key)
	}
	t.Logf("restore of %d tasks: %s (%s)", n, took.Round(time.Millisecond), strings.TrimSpace(out))
	after := snapshot(t, ctx, url)
	compareSnapshots(t, before, after)

	// New tasks continue the sequence: ids above every restored one, never reused.
	var newID int64
	if err := queryRow(t, ctx, url, `INSERT INTO tasks (title) VALUES ('after the restore') RETURNING id`, &newID); err != nil {
		t.Fatal(err)
	}
	if newID != before.seqLast+1 {
		t.Errorf("first task after the restore got id %d, want %d (sequence at %d before the backup)", newID, before.seqLast+1, before.seqLast)
	}
	settled := snapshot(t, ctx, url)

	// The database now holds data: refused unless named, and named right.
	expectRefusal(t, ctx, env, []string{"restore", "-key", key}, "pass --overwrite-database="+dbName)
	expectRefusal(t, ctx, env, []string{"restore", "-key", key, "-overwrite-database", "postgres"}, "does not name the database")

	// A corrupt and a truncated object, with the metadata of the good one: refused before the database is touched.
	objPath := filepath.Join(s3.Dir, bucket, key)
	good, err := os.ReadFile(objPath)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := bytes.Clone(good)
	corrupt[len(corrupt)/2] ^= 0xff
	for name, body := range map[string][]byte{"corrupt": corrupt, "truncated": good[:len(good)/2]} {
		badKey := prefix + "taskboard-29990101T000000Z.tar.gz" // sorts newest: restore without -key picks it
		copyObject(t, ctx, s3, key, badKey, body)
		expectRefusal(t, ctx, env, []string{"restore", "-overwrite-database", dbName}, "is corrupt or truncated")
		if got := snapshot(t, ctx, url); !sameSnapshot(settled, got) {
			t.Errorf("%s object: the database changed though the restore was refused", name)
		}
	}

	// With the name given, the good backup replaces the data (the task written after it goes);
	// through the variables a Job made from the chart's restore CronJob is given.
	env["RESTORE_KEY"], env["RESTORE_OVERWRITE_DATABASE"] = key, dbName
	runServer(t, ctx, env, "restore")
	compareSnapshots(t, before, snapshot(t, ctx, url))
}

// TestBackupFailsWhenTheUploadFails: a missing bucket and refused credentials
// each fail the command (non-zero exit for the Job) with no success line.
func TestBackupFailsWhenTheUploadFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s3 := s3test.Start(t)
	s3.Env(t)
	s3.CreateBucket(t, bucket)
	url := pgtest.NewDatabase(t)
	writeTasks(t, ctx, url, 10)

	env := serverEnv(s3, url)
	env["BACKUP_S3_BUCKET"] = "no-such-bucket"
	expectBackupFailure(t, ctx, env, "NoSuchBucket")

	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
	expectBackupFailure(t, ctx, serverEnv(s3, url), "SignatureDoesNotMatch")
}

func expectBackupFailure(t *testing.T, ctx context.Context, env map[string]string, want string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := app.Run(ctx, []string{"server", "backup"}, getenv(env), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("backup with %s: err = %v, want an error naming %s", env["BACKUP_S3_BUCKET"], err, want)
	}
	if strings.Contains(stdout.String(), "backup ok") {
		t.Errorf("a failed backup printed a success line: %q", stdout.String())
	}
}

func serverEnv(s3 *s3test.Server, url string) map[string]string {
	return map[string]string{
		"DATABASE_URL":         url,
		"BACKUP_S3_BUCKET":     bucket,
		"BACKUP_S3_PREFIX":     prefix,
		"BACKUP_S3_SSE":        "AES256",
		"BACKUP_S3_ENDPOINT":   s3.Endpoint,
		"BACKUP_S3_PATH_STYLE": "true",
	}
}

func getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func runServer(t *testing.T, ctx context.Context, env map[string]string, args ...string) (string, time.Duration) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	if err := app.Run(ctx, append([]string{"server"}, args...), getenv(env), &stdout, &stderr); err != nil {
		t.Fatalf("server %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), time.Since(start)
}

func expectRefusal(t *testing.T, ctx context.Context, env map[string]string, args []string, want string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := app.Run(ctx, append([]string{"server"}, args...), getenv(env), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("server %s: err = %v, want a refusal saying %q", strings.Join(args, " "), err, want)
	}
	if strings.Contains(stdout.String(), "restore ok") {
		t.Errorf("a refused restore printed a success line: %q", stdout.String())
	}
}

func objectKey(t *testing.T, line string) string {
	t.Helper()
	obj, _, _ := strings.Cut(strings.TrimPrefix(line, "backup ok: "), " ")
	key, ok := strings.CutPrefix(obj, "s3://"+bucket+"/")
	if !ok {
		t.Fatalf("no object in %q", line)
	}
	return key
}

// createDatabase is what the postgres image does on a fresh volume (POSTGRES_DB).
func createDatabase(t *testing.T, ctx context.Context, c *pgcluster.Cluster) {
	t.Helper()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+dbName); err != nil {
		t.Fatal(err)
	}
}

// writeTasks migrates and writes n tasks with the values COPY must carry
// faithfully (tabs, newlines, backslashes, non-ASCII, distinct timestamps), in
// two halves with sequence values burnt between and after them: ids have a gap
// and the sequence runs past max(id), as rolled-back inserts leave it.
func writeTasks(t *testing.T, ctx context.Context, url string, n int) {
	t.Helper()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrate.Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	for _, half := range [][2]int{{1, n / 2}, {n/2 + 1, n}} {
		_, err = pool.Exec(ctx, `
			INSERT INTO tasks (title, done, created_at, updated_at)
			SELECT format(E'task %s\twith tab, \\backslash, newline\n, accents éà ✓', i), i % 3 = 0,
			       timestamptz '2026-01-01 00:00:00.123456+00' + i * interval '1 second 7 microseconds',
			       timestamptz '2026-06-01 00:00:00+00' + i * interval '13 microseconds'
			FROM generate_series($1::int, $2::int) AS i`, half[0], half[1])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `SELECT nextval('tasks_id_seq') FROM generate_series(1, 5)`); err != nil {
			t.Fatal(err)
		}
	}
}

type dbSnapshot struct {
	rows      []string // one JSON text per task, by id
	seqLast   int64
	seqCalled bool
	schema    int
}

func snapshot(t *testing.T, ctx context.Context, url string) dbSnapshot {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s dbSnapshot
	rows, err := conn.Query(ctx, `SELECT row_to_json(t)::text FROM tasks t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	if s.rows, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT last_value, is_called FROM tasks_id_seq`).Scan(&s.seqLast, &s.seqCalled); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&s.schema); err != nil {
		t.Fatal(err)
	}
	return s
}

func sameSnapshot(a, b dbSnapshot) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func compareSnapshots(t *testing.T, before, after dbSnapshot) {
	t.Helper()
	if len(after.rows) != len(before.rows) {
		t.Fatalf("restored %d tasks, backed up %d", len(after.rows), len(before.rows))
	}
	for i := range before.rows {
		if before.rows[i] != after.rows[i] {
			t.Fatalf("task %d differs after the restore:\n  before %s\n  after  %s", i, before.rows[i], after.rows[i])
		}
	}
	if before.seqLast != after.seqLast || before.seqCalled != after.seqCalled {
		t.Errorf("sequence at (%d, %v) after the restore, (%d, %v) before", after.seqLast, after.seqCalled, before.seqLast, before.seqCalled)
	}
	if after.schema != migrate.Latest() {
		t.Errorf("schema at version %d after the restore, want %d", after.schema, migrate.Latest())
	}
}

func queryRow(t *testing.T, ctx context.Context, url, sql string, dest ...any) error {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.QueryRow(ctx, sql).Scan(dest...)
}
