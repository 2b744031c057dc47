package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgcluster"
)

// profiler fetches the server's net/http/pprof profiles (a -tags pprof build)
// while one operation runs: <op>.cpu.pprof over the load, then <op>.allocs.pprof.
type profiler struct {
	dir, addr string
}

func newProfiler(dir string) (*profiler, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	port, err := pgcluster.FreePort()
	if err != nil {
		return nil, err
	}
	return &profiler{dir: dir, addr: "127.0.0.1:" + strconv.Itoa(port)}, nil
}

// start begins a CPU profile over most of the load; the returned func waits
// for it and then saves the allocation profile.
func (p *profiler) start(ctx context.Context, op string, load time.Duration) func() error {
	seconds := max(1, int(load.Seconds())-2)
	done := make(chan error, 1)
	go func() {
		time.Sleep(time.Second) // past loadgen's start-up listing
		done <- p.save(ctx, fmt.Sprintf("/debug/pprof/profile?seconds=%d", seconds), op+".cpu.pprof")
	}()
	return func() error {
		if err := <-done; err != nil {
			return err
		}
		return p.save(ctx, "/debug/pprof/allocs", op+".allocs.pprof")
	}
}

func (p *profiler) save(ctx context.Context, path, name string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("pprof: %w (build the server with -tags pprof: make bench-backend-profile)", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof %s: %s", path, resp.Status)
	}
	f, err := os.Create(filepath.Join(p.dir, name))
	if err != nil {
		return err
	}
	_, err = io.Copy(f, resp.Body)
	return errors.Join(err, f.Close())
}
