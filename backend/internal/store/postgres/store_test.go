package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
	"github.com/devsecops-reference/taskboard/backend/internal/task"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newStore(t *testing.T) (*postgres.Store, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	pool := newPool(t, pgtest.NewDatabase(t), true, 0)
	if _, err := migrate.Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return postgres.New(pool), pool
}

// newPool connects to url as the server does (postgres.Configure) or, with
// configure false, with PostgreSQL's own session defaults; maxConns 0 is pgx's default.
func newPool(t *testing.T, url string, configure bool, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	if configure {
		postgres.Configure(cfg.ConnConfig)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func TestCreateGetUpdateDelete(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()

	created, err := s.Create(ctx, task.New{Title: "write tests"})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID <= 0 || created.Title != "write tests" || created.Done || created.CreatedAt.IsZero() {
		t.Fatalf("unexpected created task %+v", created)
	}
	got, err := s.Get(ctx, created.ID)
	if err != nil || got != created {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, created)
	}

	done := true
	updated, err := s.Update(ctx, created.ID, task.Patch{Done: &done})
	if err != nil {
		t.Fatal(err)
	}
	if !updated.Done || updated.Title != "write tests" || updated.UpdatedAt.Before(created.UpdatedAt) {
		t.Fatalf("unexpected updated task %+v", updated)
	}
	title := "renamed"
	updated, err = s.Update(ctx, created.ID, task.Patch{Title: &title})
	if err != nil || updated.Title != "renamed" || !updated.Done {
		t.Fatalf("rename = %+v, %v", updated, err)
	}

	if err := s.Delete(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, created.ID); !errors.Is(err, task.ErrNotFound) {
		t.Fatalf("Get after delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, created.ID); !errors.Is(err, task.ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
	if _, err := s.Update(ctx, created.ID, task.Patch{Done: &done}); !errors.Is(err, task.ErrNotFound) {
		t.Fatalf("Update of missing task: %v, want ErrNotFound", err)
	}
}

func TestListPagesNewestFirstWithFilter(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	var ids []int64
	for i := range 7 {
		tk, err := s.Create(ctx, task.New{Title: fmt.Sprintf("t%d", i), Done: i%2 == 0})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}

	var seen []int64
	q := task.ListQuery{Limit: 3}
	for pages := 0; ; pages++ {
		page, err := s.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range page.Items {
			seen = append(seen, tk.ID)
		}
		if page.NextAfterID == 0 {
			if pages != 2 {
				t.Fatalf("got %d pages, want 3", pages+1)
			}
			break
		}
		q.AfterID = page.NextAfterID
	}
	for i, id := range seen {
		if want := ids[len(ids)-1-i]; id != want {
			t.Fatalf("order %v, want newest first of %v", seen, ids)
		}
	}

	done := true
	page, err := s.List(ctx, task.ListQuery{Limit: 10, Done: &done})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 4 || page.NextAfterID != 0 {
		t.Fatalf("done=true gave %d items (next %d), want 4", len(page.Items), page.NextAfterID)
	}
	for _, tk := range page.Items {
		if !tk.Done {
			t.Fatalf("filter returned undone task %+v", tk)
		}
	}
}

// TestListReturnsTheTasksAsCreated: a page holds each task exactly as Create
// returned it, titles of every length and script included (the page's titles
// share one string, cut at each title's end).
func TestListReturnsTheTasksAsCreated(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	created := map[int64]task.Task{}
	for _, title := range []string{"a", "write the tests", "é", "日本語のタスク", strings.Repeat("z", 200), "b c"} {
		tk, err := s.Create(ctx, task.New{Title: title})
		if err != nil {
			t.Fatal(err)
		}
		created[tk.ID] = tk
	}
	for _, limit := range []int{2, 10} { // pages cut inside the rows read, and one page of all
		seen := 0
		for q := (task.ListQuery{Limit: limit}); ; {
			page, err := s.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range page.Items {
				if want := created[got.ID]; got != want {
					t.Fatalf("limit %d: listed %+v, created %+v", limit, got, want)
				}
				seen++
			}
			if page.NextAfterID == 0 {
				break
			}
			q.AfterID = page.NextAfterID
		}
		if seen != len(created) {
			t.Fatalf("limit %d: listed %d tasks, created %d", limit, seen, len(created))
		}
	}
}

// TestPaginationUnderConcurrentInserts walks all pages while writers insert:
// every row that existed before the walk must come back exactly once.
func TestPaginationUnderConcurrentInserts(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	before := map[int64]bool{}
	for i := range 300 {
		tk, err := s.Create(ctx, task.New{Title: fmt.Sprintf("before %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		before[tk.ID] = true
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var insertErr error
	var mu sync.Mutex
	inserted := 0
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Create(ctx, task.New{Title: fmt.Sprintf("during %d-%d", w, i)}); err != nil {
					mu.Lock()
					insertErr = err
					mu.Unlock()
					return
				}
				mu.Lock()
				inserted++
				mu.Unlock()
			}
		})
	}

	seen := map[int64]int{}
	q := task.ListQuery{Limit: 7}
	for {
		page, err := s.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range page.Items {
			seen[tk.ID]++
		}
		if page.NextAfterID == 0 {
			break
		}
		q.AfterID = page.NextAfterID
		time.Sleep(time.Millisecond) // let writers interleave with the walk
	}
	close(stop)
	wg.Wait()
	if insertErr != nil {
		t.Fatal(insertErr)
	}
	if inserted == 0 {
		t.Fatal("no concurrent insert happened during the walk")
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("task %d returned %d times", id, n)
		}
	}
	for id := range before {
		if seen[id] != 1 {
			t.Errorf("task %d, present before the walk, was skipped", id)
		}
	}
	t.Logf("walked %d rows while %d were inserted", len(seen), inserted)
}
