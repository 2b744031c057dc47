package migrate_test

import (
	"context"
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
