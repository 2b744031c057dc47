package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
	"github.com/devsecops-reference/taskboard/backend/internal/task"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

// TestListRunsOnOnePlanPerConnection: under the store's session settings
// each list statement is planned once per connection (generic plans only),
// whatever the cursor and the limit, and the unfiltered one walks the primary
// key backwards with no sort. Without the settings PostgreSQL plans the list
// afresh on every call: the reason for them.
func TestListRunsOnOnePlanPerConnection(t *testing.T) {
	url := boardWith(t, 10000, "i % 3 = 0") // a third of the tasks done
	done, notDone := true, false
	for _, configured := range []bool{true, false} {
		t.Run(fmt.Sprintf("configured=%v", configured), func(t *testing.T) {
			pool := newPool(t, url, configured, 1) // the store's calls and the checks share one session
			s := postgres.New(pool)
			for i := range 8 {
				for _, filter := range []*bool{nil, &done, &notDone} {
					if _, err := s.List(context.Background(), task.ListQuery{Limit: 10 + i, AfterID: int64(10000 - 1000*i), Done: filter}); err != nil {
						t.Fatal(err)
					}
				}
			}
			conn := acquire(t, pool)
			for _, sql := range []string{postgres.ListSQL, postgres.ListDoneSQL, postgres.ListNotDoneSQL} {
				_, generic, custom := preparedStatement(t, conn, sql)
				if !configured {
					if custom != 8 {
						t.Errorf("with PostgreSQL's defaults %q had %d custom and %d generic plans in 8 calls, not a plan per call: is the session setting still needed?", sql, custom, generic)
					}
				} else if custom != 0 || generic != 8 {
					t.Errorf("%q: %d generic and %d custom plans in 8 calls, want only generic ones", sql, generic, custom)
				}
			}
			if configured {
				if plan := plan(t, conn, postgres.ListSQL); !strings.Contains(plan, "Index Scan Backward using tasks_pkey") || strings.Contains(plan, "Sort") {
					t.Errorf("the list is not a backward walk of the primary key:\n%s", plan)
				}
			}
		})
	}
}

// TestListFindsRareTasksThroughTheDoneIndex: on a board where one task in a
// thousand is open, a page of open tasks is read from tasks_done_id_idx, not
// found by walking every closed task along the primary key; a page of closed
// ones, nearly all of them, still walks the primary key.
func TestListFindsRareTasksThroughTheDoneIndex(t *testing.T) {
	url := boardWith(t, 20000, "i % 1000 <> 0") // 20 open tasks
	pool := newPool(t, url, true, 1)
	s := postgres.New(pool)
	done, notDone := true, false
	for _, filter := range []*bool{&notDone, &done} {
		page, err := s.List(context.Background(), task.ListQuery{Limit: 50, Done: filter})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 20, true: 50}[*filter]; len(page.Items) != want {
			t.Fatalf("done=%v: %d tasks, want %d", *filter, len(page.Items), want)
		}
	}
	conn := acquire(t, pool)
	if p := plan(t, conn, postgres.ListNotDoneSQL); !strings.Contains(p, "Index Scan using tasks_done_id_idx") || strings.Contains(p, "Sort") {
		t.Errorf("open tasks are not read from the done index:\n%s", p)
	}
	if p := plan(t, conn, postgres.ListDoneSQL); !strings.Contains(p, "tasks_pkey") {
		t.Errorf("closed tasks, nearly all of them, do not walk the primary key:\n%s", p)
	}
}

// boardWith is a migrated, analysed database of n tasks, task i done when the
// SQL expression done holds of it.
func boardWith(t *testing.T, n int, done string) string {
	t.Helper()
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	setup := newPool(t, url, true, 0)
	if _, err := migrate.Apply(ctx, setup); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Exec(ctx, `INSERT INTO tasks (title, done)
		SELECT 'task ' || i, `+done+` FROM generate_series(1, $1) AS i`, n); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Exec(ctx, `ANALYZE tasks`); err != nil {
		t.Fatal(err)
	}
	return url
}

func acquire(t *testing.T, pool *pgxpool.Pool) *pgx.Conn {
	t.Helper()
	conn, err := pool.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Release)
	return conn.Conn()
}

// preparedStatement finds the session's prepared statement for sql and its plan counts.
func preparedStatement(t *testing.T, conn *pgx.Conn, sql string) (name string, generic, custom int64) {
	t.Helper()
	err := conn.QueryRow(context.Background(), `SELECT name, generic_plans, custom_plans
		FROM pg_prepared_statements WHERE statement = $1`, sql).Scan(&name, &generic, &custom)
	if err != nil {
		t.Fatalf("prepared statement %q: %v", sql, err)
	}
	return name, generic, custom
}

// plan is the plan the session runs sql's prepared statement on, for a first page of 50.
func plan(t *testing.T, conn *pgx.Conn, sql string) string {
	t.Helper()
	name, _, _ := preparedStatement(t, conn, sql)
	rows, err := conn.Query(context.Background(), `EXPLAIN EXECUTE `+pgx.Identifier{name}.Sanitize()+`(9223372036854775807, 51)`)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
