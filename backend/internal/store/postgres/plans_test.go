package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
	"github.com/devsecops-reference/taskboard/backend/internal/task"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

// TestListRunsOnOnePlanPerConnection: under the store's session settings
// each list statement is planned once per connection (generic plans only),
// and that plan walks the primary key backwards with no sort, whatever the
// cursor, the limit or the filter. Without the settings PostgreSQL plans the
// list afresh on every call: the reason for them.
func TestListRunsOnOnePlanPerConnection(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	setup := newPool(t, url, true, 0)
	if _, err := migrate.Apply(ctx, setup); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Exec(ctx, `INSERT INTO tasks (title, done)
		SELECT 'task ' || i, i % 3 = 0 FROM generate_series(1, 10000) AS i`); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Exec(ctx, `ANALYZE tasks`); err != nil {
		t.Fatal(err)
	}

	for _, configured := range []bool{true, false} {
		t.Run(fmt.Sprintf("configured=%v", configured), func(t *testing.T) {
			pool := newPool(t, url, configured, 1) // the store's calls and the checks share one session
			s := postgres.New(pool)
			done, undone := true, false
			for i := range 8 {
				for _, filter := range []*bool{nil, &done, &undone} {
					if _, err := s.List(ctx, task.ListQuery{Limit: 10 + i, AfterID: int64(10000 - 1000*i), Done: filter}); err != nil {
						t.Fatal(err)
					}
				}
			}
			conn, err := pool.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Release()
			calls := map[string]int64{postgres.ListSQL: 8, postgres.ListDoneSQL: 16}
			for sql, n := range calls {
				name, generic, custom := preparedStatement(t, conn.Conn(), sql)
				if !configured {
					if custom != n {
						t.Errorf("with PostgreSQL's defaults %q had %d custom and %d generic plans in %d calls, not a plan per call: is the session setting still needed?", sql, custom, generic, n)
					}
					continue
				}
				if custom != 0 || generic != n {
					t.Errorf("%q: %d generic and %d custom plans in %d calls, want only generic ones", sql, generic, custom, n)
				}
				plan := explain(t, conn.Conn(), name, sql)
				if !strings.Contains(plan, "Index Scan Backward using tasks_pkey") || strings.Contains(plan, "Sort") {
					t.Errorf("%q is not a backward walk of the primary key:\n%s", sql, plan)
				}
			}
		})
	}
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

// explain is the plan the session runs name on, for a first page of 50.
func explain(t *testing.T, conn *pgx.Conn, name, sql string) string {
	t.Helper()
	args := "9223372036854775807, 51"
	if sql == postgres.ListDoneSQL {
		args += ", true"
	}
	rows, err := conn.Query(context.Background(), `EXPLAIN EXECUTE `+pgx.Identifier{name}.Sanitize()+`(`+args+`)`)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
