package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestPgbenchRunsTheServersQueries runs each ceiling script with the real
// pgbench against the migrated schema: a script that no longer matches the
// tables fails here, not in the middle of make bench-backend.
func TestPgbenchRunsTheServersQueries(t *testing.T) {
	ctx := context.Background()
	cluster := pgtest.NewCluster(t)
	pool, err := pgxpool.New(ctx, cluster.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrate.Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if err := seed(ctx, cluster.URL("postgres"), 200); err != nil {
		t.Fatal(err)
	}
	o := options{concurrency: 2, duration: time.Second}
	for op := range pgbenchScripts {
		c, err := pgbench(ctx, cluster, o, op)
		if err != nil {
			t.Fatal(err)
		}
		if c.op != op || c.tps <= 0 || c.latencyMs <= 0 {
			t.Errorf("%s: %+v", op, c)
		}
	}
	// create's parameters come from pgbenchDefines: the rows say so.
	var created int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE title = 'pgbench task' AND NOT done`).Scan(&created); err != nil || created == 0 {
		t.Fatalf("pgbench's create inserted %d tasks titled 'pgbench task' (%v)", created, err)
	}
}

// TestPostgresCPUCountsTheBackends: a query's CPU is spent in a backend, a
// child of the postmaster, and familyCPU counts it.
func TestPostgresCPUCountsTheBackends(t *testing.T) {
	ctx := context.Background()
	cluster := pgtest.NewCluster(t)
	conn, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	postmaster, err := cluster.PostmasterPID()
	if err != nil {
		t.Fatal(err)
	}
	before, err := familyCPU(postmaster)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM generate_series(1, 10000000)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	after, err := familyCPU(postmaster)
	if err != nil {
		t.Fatal(err)
	}
	if used := grown(before, after); used < 100*time.Millisecond {
		t.Fatalf("counting 10,000,000 rows cost PostgreSQL %v of CPU by familyCPU: its backend was not counted", used)
	}
}

func TestGrownCountsOnlyWhatWasUsedMeanwhile(t *testing.T) {
	before := map[int]time.Duration{1: time.Second, 2: 3 * time.Second, 3: 5 * time.Second}
	// 1 used 0.5 s more, 2 exited (pgbench's backend), 4 started and used 0.25 s.
	after := map[int]time.Duration{1: 1500 * time.Millisecond, 3: 5 * time.Second, 4: 250 * time.Millisecond}
	if got := grown(before, after); got != 750*time.Millisecond {
		t.Fatalf("grown = %v, want 750ms", got)
	}
}

func TestBindNamesEveryParameter(t *testing.T) {
	got := bind("SELECT $1, $2 WHERE x = $12 LIMIT $2", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l")
	if want := "SELECT :a, :b WHERE x = :l LIMIT :b;\n"; got != want {
		t.Fatalf("bind = %q, want %q", got, want)
	}
}

func TestPeakRSSOfThisProcess(t *testing.T) {
	kib, err := peakRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if kib < 1024 {
		t.Fatalf("peak RSS of a Go test binary is %d KiB?", kib)
	}
}

func TestParseCPUTime(t *testing.T) {
	// A command name with a space and a ")", then utime 250 and stime 75 ticks.
	stat := "4242 (my server) x) S 1 4242 4242 0 -1 4194560 120 0 0 0 250 75 0 0 20 0 9 0 1000 0 0"
	got, err := parseCPUTime(stat)
	if err != nil || got != 3250*time.Millisecond {
		t.Fatalf("parseCPUTime = %v, %v; want 3.25s", got, err)
	}
	if _, err := parseCPUTime("4242 (truncated) S 1 2"); err == nil {
		t.Fatal("a truncated stat line was accepted")
	}
}

func TestCPUTimeOfThisProcessNeverGoesBack(t *testing.T) {
	first, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	second, err := cpuTime(os.Getpid())
	if err != nil || second < first || first < 0 {
		t.Fatalf("CPU time %v then %v, %v", first, second, err)
	}
}
