package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgcluster"
)

// pgbenchScripts are the server's own statements (postgres.ListSQL and the
// rest) with pgbench variables for their parameters, run as prepared
// statements under the server's session settings: what pgx runs, as pgx runs it.
var pgbenchScripts = map[string]string{
	"list":   "\\set after 9223372036854775807\n\\set limit 51\n" + bind(postgres.ListSQL, "after", "limit"),
	"get":    "\\set id random(1, 10000)\n" + bind(postgres.GetSQL, "id"),
	"create": bind(postgres.CreateSQL, "title", "done"), // given by pgbenchDefines
}

// pgbenchDefines are the variables that \set cannot make (it makes numbers).
var pgbenchDefines = []string{"-D", "title=pgbench task", "-D", "done=false"}

// bind turns $1, $2, ... into pgbench's :name, :name2, ... and ends the statement.
func bind(sql string, names ...string) string {
	for i := len(names); i >= 1; i-- { // $12 before $1
		sql = strings.ReplaceAll(sql, "$"+strconv.Itoa(i), ":"+names[i-1])
	}
	return sql + ";\n"
}

// pgOptions is PGOPTIONS for postgres.SessionSettings: -c name=value each.
func pgOptions() string {
	var opts []string
	for name, value := range postgres.SessionSettings {
		opts = append(opts, "-c "+name+"="+value)
	}
	sort.Strings(opts)
	return strings.Join(opts, " ")
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
	args := append([]string{"-n", "-M", "prepared", "-f", script}, pgbenchDefines...)
	cmd := exec.CommandContext(ctx, tool, append(args,
		"-c", strconv.Itoa(o.concurrency), "-j", "2", "-T", strconv.Itoa(max(1, int(o.duration.Seconds()))),
		"-h", "127.0.0.1", "-p", strconv.Itoa(cluster.Port), "-U", "postgres", "postgres")...)
	cmd.Env = append(os.Environ(), "PGOPTIONS="+pgOptions())
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
