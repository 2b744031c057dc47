package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
)

// peakRSS is the server's resident-set high-water mark (VmHWM), in KiB.
func peakRSS(pid int) (int, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("peak RSS of the server: %w", err)
	}
	m := regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB`).FindSubmatch(status)
	if m == nil {
		return 0, fmt.Errorf("peak RSS of the server: no VmHWM in /proc/%d/status", pid)
	}
	return strconv.Atoi(string(m[1]))
}

// allocs is the list handler's Go benchmark: one request, in process.
type allocs struct {
	perOp, bytesPerOp int
	nsPerOp           float64
}

var benchLine = regexp.MustCompile(`(?m)^BenchmarkListTasks\S*\s+\d+\s+([0-9.]+) ns/op\s+(\d+) B/op\s+(\d+) allocs/op`)

// listAllocs runs BenchmarkListTasks (backend/internal/httpapi/bench_test.go)
// from the repository root, as make does.
func listAllocs(ctx context.Context, goBin string) (allocs, error) {
	cmd := exec.CommandContext(ctx, goBin, "test", "-run", "^$", "-bench", "^BenchmarkListTasks$",
		"-benchmem", "-benchtime", "2000x", "./backend/internal/httpapi")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return allocs{}, fmt.Errorf("list handler benchmark: %w\n%s", err, out.String())
	}
	m := benchLine.FindStringSubmatch(out.String())
	if m == nil {
		return allocs{}, fmt.Errorf("list handler benchmark: no result line in:\n%s", out.String())
	}
	var a allocs
	a.nsPerOp, _ = strconv.ParseFloat(m[1], 64)
	a.bytesPerOp, _ = strconv.Atoi(m[2])
	a.perOp, _ = strconv.Atoi(m[3])
	return a, nil
}
