package migrate_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestEmbeddedMigrationsAreNumberedInOrder(t *testing.T) {
	ms, err := migrate.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Fatalf("migration %s has version %d, want %d (no gaps)", m.Name, m.Version, i+1)
		}
	}
	if migrate.Latest() != len(ms) {
		t.Fatalf("Latest %d, want %d", migrate.Latest(), len(ms))
	}
}

func TestApplyIsIdempotent(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrate.Current(ctx, pool); err == nil {
		t.Fatal("Current on an empty database should fail: no schema_migrations yet")
	}
	first, err := migrate.Apply(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != migrate.Latest() {
		t.Fatalf("first run applied %v", first)
	}
	second, err := migrate.Apply(ctx, pool)
	if err != nil || len(second) != 0 {
		t.Fatalf("second run applied %v, %v; want nothing", second, err)
	}
	if v, err := migrate.Current(ctx, pool); err != nil || v != migrate.Latest() {
		t.Fatalf("Current = %d, %v", v, err)
	}
}

// Replicas start together: each has its own pool; the advisory lock must
// make exactly one of them apply each migration and none fail.
func TestConcurrentApplyWithSeparatePools(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	const replicas = 8
	results := make([][]int, replicas)
	errs := make([]error, replicas)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			pool, err := pgxpool.New(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			if err := pool.Ping(ctx); err != nil {
				errs[i] = err
				return
			}
			<-start
			results[i], errs[i] = migrate.Apply(ctx, pool)
		})
	}
	close(start)
	wg.Wait()
	total := 0
	for i := range replicas {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		total += len(results[i])
	}
	if total != migrate.Latest() {
		t.Fatalf("replicas applied %d migrations in total, want %d: %v", total, migrate.Latest(), results)
	}
}

// CheckCurrent is readiness's question: each state of the database gets its own answer.
func TestCheckCurrent(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := migrate.CheckCurrent(ctx, pool); err == nil || err.Error() != "database not reachable" {
		t.Fatalf("empty database: %v, want database not reachable (no schema_migrations)", err)
	}
	if _, err := migrate.Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if err := migrate.CheckCurrent(ctx, pool); err != nil {
		t.Fatalf("migrated database: %v", err)
	}
	latest := migrate.Latest()
	if _, err := pool.Exec(ctx, `DELETE FROM schema_migrations WHERE version = $1`, latest); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("database schema at version %d, want %d", latest-1, latest)
	if err := migrate.CheckCurrent(ctx, pool); err == nil || err.Error() != want {
		t.Fatalf("schema behind: %v, want %q", err, want)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from a newer replica')`, latest+1); err != nil {
		t.Fatal(err)
	}
	if err := migrate.CheckCurrent(ctx, pool); err != nil {
		t.Fatalf("schema ahead (a newer replica migrated first): %v", err)
	}
}
