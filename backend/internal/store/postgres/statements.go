package postgres

import (
	"strings"

	"github.com/jackc/pgx/v5"
)

const columns = `id, title, done, created_at, updated_at`

// The statements of the hot paths, exported so that the backend benchmark
// hands PostgreSQL alone (pgbench) exactly what the server runs.
const (
	// ListSQL is a page of every task below the cursor $1, $2 rows at most.
	ListSQL = `SELECT ` + columns + ` FROM tasks WHERE id < $1 ORDER BY id DESC LIMIT $2`
	// ListDoneSQL and ListNotDoneSQL are the same page of the tasks with one
	// value of done, written in the text rather than bound: each statement
	// is then planned for its own value, through tasks_done_id_idx when few
	// tasks have it (the open tasks of an old board) and along the primary key
	// when most do. A parameter is planned as if half the tasks had each
	// value, and walked every closed task to find a page of rare open ones.
	ListDoneSQL    = `SELECT ` + columns + ` FROM tasks WHERE id < $1 AND done = true ORDER BY id DESC LIMIT $2`
	ListNotDoneSQL = `SELECT ` + columns + ` FROM tasks WHERE id < $1 AND done = false ORDER BY id DESC LIMIT $2`
	GetSQL         = `SELECT ` + columns + ` FROM tasks WHERE id = $1`
	CreateSQL      = `INSERT INTO tasks (title, done) VALUES ($1, $2) RETURNING ` + columns
)

// listSQL is the list statement for a done filter (nil: none).
func listSQL(done *bool) string {
	switch {
	case done == nil:
		return ListSQL
	case *done:
		return ListDoneSQL
	default:
		return ListNotDoneSQL
	}
}

// SessionSettings are the settings the statements above are written for.
// Every statement is a lookup or a walk of one index whose best plan is the
// same for any of its parameters, so the plan PostgreSQL makes once per
// connection (the generic plan) is the right one. Left to plan_cache_mode=auto,
// PostgreSQL planned the list afresh on every request: a generic plan cannot
// know LIMIT $2, so it looks dearer than a custom one, and planning took more
// time than running the query (EXPLAIN ANALYZE: 0.088 ms against 0.033 ms).
var SessionSettings = map[string]string{"plan_cache_mode": "force_generic_plan"}

// Configure gives cfg's connections SessionSettings, keeping any setting the
// connection string already makes (options=-c... or a parameter of its own).
func Configure(cfg *pgx.ConnConfig) {
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	for name, value := range SessionSettings {
		_, set := cfg.RuntimeParams[name]
		if !set && !strings.Contains(cfg.RuntimeParams["options"], name) {
			cfg.RuntimeParams[name] = value
		}
	}
}
