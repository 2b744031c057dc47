package main

import (
	"context"
	"os"
	"testing"
	"time"

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
