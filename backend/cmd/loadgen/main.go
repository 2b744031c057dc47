// Command loadgen drives a running backend with a fixed mix of operations
// (list a page of 50, get by id, create) from many workers, for a bounded
// time or request count, and prints throughput and latency per operation.
// It refuses any target but loopback: it is a benchmark tool, not a stress
// tester for other people's servers.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

type options struct {
	base        string
	concurrency int
	duration    time.Duration
	maxRequests int
	ops         []string
	json        bool
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&o.base, "url", "http://127.0.0.1:5000", "base URL of the backend (loopback only)")
	fs.IntVar(&o.concurrency, "concurrency", 32, "concurrent workers")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long to run (at most 5m)")
	fs.IntVar(&o.maxRequests, "requests", 0, "stop after this many requests in total (0: duration only)")
	ops := fs.String("ops", strings.Join(operations, ","), "operations to run round-robin, comma-separated: list, get, create")
	fs.BoolVar(&o.json, "json", false, "print one JSON object per operation instead of the table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.ops = strings.Split(*ops, ",")
	if err := checkBounds(o); err != nil {
		return err
	}
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency, MaxConnsPerHost: o.concurrency},
	}
	ids, err := collectIDs(ctx, client, o.base)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("%s has no tasks to get: seed some first", o.base)
	}
	res := drive(ctx, o, ids)
	if o.json {
		err = printJSON(stdout, res)
	} else {
		printTable(stdout, o, len(ids), res)
	}
	if err != nil {
		return err
	}
	if res.failed() {
		return fmt.Errorf("some requests failed (see the errors column)")
	}
	return nil
}

func checkBounds(o options) error {
	u, err := url.Parse(o.base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("-url must be http://host:port, got %q", o.base)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-url must point at loopback (127.0.0.1, ::1 or localhost), got %q", host)
	}
	switch {
	case o.concurrency < 1 || o.concurrency > 1024:
		return fmt.Errorf("-concurrency must be 1..1024")
	case o.duration <= 0 || o.duration > 5*time.Minute:
		return fmt.Errorf("-duration must be in (0, 5m]")
	case o.maxRequests < 0:
		return fmt.Errorf("-requests must not be negative")
	}
	for _, op := range o.ops {
		if !slices.Contains(operations, op) {
			return fmt.Errorf("-ops: unknown operation %q (want %s)", op, strings.Join(operations, ", "))
		}
	}
	return nil
}
