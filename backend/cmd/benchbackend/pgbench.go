package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgcluster"
)

// pgbenchScripts are the server's own queries (backend/internal/store/postgres),
// run by pgbench as prepared statements, as pgx runs them. The list's done
// filter is the literal NULL the server binds when there is none: pgbench
// variables cannot be NULL.
var pgbenchScripts = map[string]string{
	"list": `\set after 9223372036854775807
SELECT id, title, done, created_at, updated_at FROM tasks
	WHERE id < :after AND (NULL::boolean IS NULL OR done = NULL::boolean)
	ORDER BY id DESC LIMIT 51;
`,
	"get": `\set id random(1, 10000)
SELECT id, title, done, created_at, updated_at FROM tasks WHERE id = :id;
`,
	"create": `INSERT INTO tasks (title, done) VALUES ('pgbench task', false)
	RETURNING id, title, done, created_at, updated_at;
`,
}

// ceiling is PostgreSQL's own throughput for one operation's query.
type ceiling struct {
	op             string
	tps, latencyMs float64
}

var (
	tpsLine     = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
	latencyLine = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
)

// pgbench runs op's query at the benchmark's concurrency for its duration,
// one thread per core: the same machine, the same clients.
func pgbench(ctx context.Context, cluster *pgcluster.Cluster, o options, op string) (ceiling, error) {
	dir, err := os.MkdirTemp("", "taskboard-pgbench-")
	if err != nil {
		return ceiling{}, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, op+".sql")
	if err := os.WriteFile(script, []byte(pgbenchScripts[op]), 0o644); err != nil {
		return ceiling{}, err
	}
	tool, err := cluster.Tool("pgbench")
	if err != nil {
		return ceiling{}, err
	}
	cmd := exec.CommandContext(ctx, tool, "-n", "-M", "prepared", "-f", script,
		"-c", strconv.Itoa(o.concurrency), "-j", "2", "-T", strconv.Itoa(max(1, int(o.duration.Seconds()))),
		"-h", "127.0.0.1", "-p", strconv.Itoa(cluster.Port), "-U", "postgres", "postgres")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return ceiling{}, fmt.Errorf("pgbench %s: %w\n%s", op, err, out)
	}
	tps, lat := tpsLine.FindSubmatch(out), latencyLine.FindSubmatch(out)
	if tps == nil || lat == nil {
		return ceiling{}, fmt.Errorf("pgbench %s: no tps or latency in its output:\n%s", op, out)
	}
	c := ceiling{op: op}
	c.tps, _ = strconv.ParseFloat(string(tps[1]), 64)
	c.latencyMs, _ = strconv.ParseFloat(string(lat[1]), 64)
	return c, nil
}
