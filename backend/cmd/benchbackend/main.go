// Command benchbackend is `make bench-backend`: it starts a throwaway
// PostgreSQL cluster, runs the server binary against it, seeds 10,000
// tasks, runs the loadgen binary as a second process, prints its table and
// tears everything down.
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

	"github.com/devsecops-reference/taskboard/backend/internal/pgcluster"
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

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("benchbackend", flag.ContinueOnError)
	serverBin := fs.String("server", "bin/server", "server binary")
	loadgenBin := fs.String("loadgen", "bin/loadgen", "loadgen binary")
	tasks := fs.Int("tasks", 10000, "tasks to seed before the load")
	concurrency := fs.Int("concurrency", 32, "loadgen workers")
	duration := fs.Duration("duration", 10*time.Second, "load duration")
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
	server := exec.Command(*serverBin)
	// Access logs stay on (info), as in production; they go to /dev/null.
	server.Env = []string{"DATABASE_URL=" + dbURL, "PORT=" + strconv.Itoa(port), "LISTEN_HOST=127.0.0.1", "LOG_LEVEL=info"}
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
	if err := seed(ctx, dbURL, *tasks); err != nil {
		return err
	}

	load := exec.CommandContext(ctx, *loadgenBin, "-url", base,
		"-concurrency", strconv.Itoa(*concurrency), "-duration", duration.String())
	load.Stdout, load.Stderr = stdout, os.Stderr
	return load.Run()
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
