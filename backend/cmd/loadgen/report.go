package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/loadreport"
)

func printTable(out io.Writer, o options, seeded int, r results) {
	fmt.Fprintf(out, "backend load: %s, concurrency %d, %.1fs, %d tasks listed at start\n",
		o.base, o.concurrency, r.elapsed.Seconds(), seeded)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\trequests\terrors\treq/s\tp50 ms\tp99 ms\t")
	var all []time.Duration
	errors := 0
	for _, op := range r.order {
		s := r.ops[op]
		all = append(all, s.latencies...)
		errors += s.errors
		row(tw, op, s.latencies, s.errors, r.elapsed)
	}
	row(tw, "total", all, errors, r.elapsed)
	tw.Flush()
}

func row(w io.Writer, name string, lat []time.Duration, errors int, elapsed time.Duration) {
	slices.Sort(lat)
	fmt.Fprintf(w, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t\n", name, len(lat), errors,
		float64(len(lat))/elapsed.Seconds(), ms(percentile(lat, 0.50)), ms(percentile(lat, 0.99)))
}

// percentile uses the nearest-rank method on sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func printJSON(out io.Writer, r results) error {
	enc := json.NewEncoder(out)
	for _, op := range r.order {
		s := r.ops[op]
		slices.Sort(s.latencies)
		if err := enc.Encode(loadreport.Result{
			Op: op, Requests: len(s.latencies), Errors: s.errors,
			RPS:   float64(len(s.latencies)) / r.elapsed.Seconds(),
			P50ms: ms(percentile(s.latencies, 0.50)), P99ms: ms(percentile(s.latencies, 0.99)),
		}); err != nil {
			return err
		}
	}
	return nil
}
