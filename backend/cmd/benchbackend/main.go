// Command benchbackend is `make bench-backend`: it starts a throwaway
// PostgreSQL cluster, runs the server binary against it, seeds 10,000 tasks,
// then measures one operation at a time (list a page of 50, get by id,
// create) with the loadgen binary as a second process, and the same queries
// against PostgreSQL alone with pgbench at the same concurrency, and last the
// floor: a server that does no work, to the same loadgen. It prints every
// figure next to the goal of issue 15 and tears everything down.
// Goals are reported, never enforced: the machine's load decides too much.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgcluster"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchbackend:", err)
		stop()
		os.Exit(1)
	}
}

type options struct {
	serverBin, loadgenBin, goBin, pprofDir string
	tasks, concurrency, poolMaxConns       int
	duration                               time.Duration
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("benchbackend", flag.ContinueOnError)
	fs.StringVar(&o.serverBin, "server", "bin/server", "server binary")
	fs.StringVar(&o.loadgenBin, "loadgen", "bin/loadgen", "loadgen binary")
	fs.StringVar(&o.goBin, "go", "go", "go command, for the list handler's allocation benchmark")
	fs.StringVar(&o.pprofDir, "pprof", "", "save CPU and allocation profiles of the server per operation here (server built with -tags pprof)")
	fs.IntVar(&o.tasks, "tasks", 10000, "tasks to seed before the load")
	fs.IntVar(&o.concurrency, "concurrency", 32, "loadgen workers and pgbench clients")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "duration of each measurement")
	fs.IntVar(&o.poolMaxConns, "pool-max-conns", 0, "the server's pool_max_conns (0: the server's default)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	cluster, err := pgcluster.Start(ctx)
	if err != nil {
		return err
	}
	defer cluster.Close()
	dbURL := cluster.URL("postgres")

	port, err := pgcluster.FreePort()
	if err != nil {
		return err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	serverURL := dbURL
	if o.poolMaxConns > 0 {
		serverURL += "&pool_max_conns=" + strconv.Itoa(o.poolMaxConns)
	}
	server := exec.Command(o.serverBin)
	// Access logs stay on (info), as in production; they go to /dev/null.
	server.Env = []string{"DATABASE_URL=" + serverURL, "PORT=" + strconv.Itoa(port), "LISTEN_HOST=127.0.0.1", "LOG_LEVEL=info"}
	var prof *profiler
	if o.pprofDir != "" {
		if prof, err = newProfiler(o.pprofDir); err != nil {
			return err
		}
		server.Env = append(server.Env, "PPROF_ADDR="+prof.addr)
	}
	server.Stderr = os.Stderr
	if err := server.Start(); err != nil {
		return err
	}
	defer func() {
		_ = server.Process.Signal(syscall.SIGTERM)
		_ = server.Wait()
	}()
	if err := waitReady(ctx, base); err != nil {
		return err
	}
	if err := seed(ctx, dbURL, o.tasks); err != nil {
		return err
	}

	postmaster, err := cluster.PostmasterPID()
	if err != nil {
		return err
	}
	var r report
	r.options = o
	// create goes last: the list and get phases see exactly the seeded tasks.
	for _, op := range []string{"list", "get", "create"} {
		var stopProfile func() error
		if prof != nil {
			stopProfile = prof.start(ctx, op, o.duration)
		}
		res, split, err := measureLoad(ctx, o, base, op, server.Process.Pid, postmaster)
		if stopProfile != nil {
			err = errors.Join(err, stopProfile())
		}
		if err != nil {
			return err
		}
		r.backend = append(r.backend, res)
		r.cpu = append(r.cpu, split)
		ceiling, err := pgbench(ctx, cluster, o, op)
		if err != nil {
			return err
		}
		r.postgres = append(r.postgres, ceiling)
	}
	if r.floor, r.floorCPU, err = measureFloor(ctx, o); err != nil {
		return err
	}
	if r.peakRSS, err = peakRSS(server.Process.Pid); err != nil {
		return err
	}
	if r.allocs, err = listAllocs(ctx, o.goBin); err != nil {
		return err
	}
	r.print(stdout)
	return nil
}

func seed(ctx context.Context, dbURL string, n int) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `INSERT INTO tasks (title, done)
		SELECT 'seeded task ' || i, i % 3 = 0 FROM generate_series(1, $1) AS i`, n)
	if err == nil {
		_, err = conn.Exec(ctx, `ANALYZE tasks`)
	}
	return err
}

func waitReady(ctx context.Context, base string) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("server not ready within a minute")
}
