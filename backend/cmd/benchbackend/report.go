package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/loadreport"
)

// report holds every figure of one run; print puts each beside its goal.
type report struct {
	options
	backend  []loadreport.Result // list, get, create
	postgres []ceiling           // the same operations, PostgreSQL alone
	cpu      []cpuSplit          // during each operation's load
	floor    loadreport.Result   // get by id from a server that does no work
	floorCPU cpuSplit

	peakRSS int // KiB
	allocs  allocs
}

// The goals of issue 15 (the seed's Flask stack served ~1,500 list pages/s).
const (
	goalListRPS   = 7500
	goalListP99   = 10.0
	goalGetRPS    = 12000
	goalGetP99    = 5.0
	goalCreateP99 = 10.0
	goalListShare = 0.40
)

func (r report) print(out io.Writer) {
	list, get, create := r.backend[0], r.backend[1], r.backend[2]
	fmt.Fprintf(out, "backend benchmark: %d tasks, concurrency %d, %s per measurement, one operation at a time\n",
		r.tasks, r.concurrency, r.duration)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\tgoal\t")
	atLeast := func(name string, got, goal float64, unit string) {
		fmt.Fprintf(tw, "%s\t%.0f %s\t>= %.0f %s  %s\t\n", name, got, unit, goal, unit, verdict(got >= goal))
	}
	atMost := func(name string, got, goal float64) {
		fmt.Fprintf(tw, "%s\t%.2f ms\t<= %.0f ms  %s\t\n", name, got, goal, verdict(got <= goal))
	}
	atLeast("list page of 50", list.RPS, goalListRPS, "req/s")
	atMost("list p99", list.P99ms, goalListP99)
	atLeast("get by id", get.RPS, goalGetRPS, "req/s")
	atMost("get by id p99", get.P99ms, goalGetP99)
	fmt.Fprintf(tw, "floor: get from bare net/http, no work\t%.0f req/s, p99 %.2f ms\t(reported: no server does better here)\t\n",
		r.floor.RPS, r.floor.P99ms)
	fmt.Fprintf(tw, "create\t%.0f req/s\t(reported)\t\n", create.RPS)
	atMost("create p99", create.P99ms, goalCreateP99)
	for i, c := range r.postgres {
		share := r.backend[i].RPS / c.tps
		goal := "(reported)"
		if c.op == "list" {
			goal = fmt.Sprintf(">= %.0f%%  %s", goalListShare*100, verdict(share >= goalListShare))
		}
		fmt.Fprintf(tw, "PostgreSQL alone, %s query (pgbench)\t%.0f tps, %.2f ms avg\t\t\n", c.op, c.tps, c.latencyMs)
		fmt.Fprintf(tw, "backend share of it, %s\t%.0f%%\t%s\t\n", c.op, share*100, goal)
	}
	fmt.Fprintf(tw, "server peak RSS\t%.1f MiB\t(reported)\t\n", float64(r.peakRSS)/1024)
	fmt.Fprintf(tw, "list handler, Go benchmark\t%d allocs/req, %d B/req, %.0f µs/req\t(reported)\t\n",
		r.allocs.perOp, r.allocs.bytesPerOp, r.allocs.nsPerOp/1000)
	tw.Flush()
	fmt.Fprintln(out, "\nper operation (loadgen), and where the cores went per request (/proc: less swayed than req/s by a loaded machine):")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\trequests\terrors\treq/s\tp50 ms\tp99 ms\tCPU µs/req: server\tPostgreSQL\tloadgen\t")
	row := func(name string, b loadreport.Result, c cpuSplit) {
		per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.Requests) }
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t\n", name, b.Requests, b.Errors, b.RPS, b.P50ms, b.P99ms,
			per(c.server), per(c.postgres), per(c.loadgen))
	}
	for i, b := range r.backend {
		row(b.Op, b, r.cpu[i])
	}
	row("floor get", r.floor, r.floorCPU)
	tw.Flush()
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}
