package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of utime and stime in /proc/<pid>/stat: USER_HZ, fixed
// at 100 by the kernel's user-space ABI whatever the kernel's own tick rate.
const userHZ = 100

// cpuTime is the CPU the process has used so far, user plus system, over all
// its threads. CPU per request moves less than requests per second with what
// else the machine runs, but contention still inflates it (108 to 168 µs per
// list request for one binary at load averages 5 to 13): compare changes by
// several interleaved runs, not one.
func cpuTime(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("CPU time of process %d: %w", pid, err)
	}
	return parseCPUTime(string(stat))
}

// parseCPUTime reads utime and stime, fields 14 and 15 of a stat line. The
// command name (field 2) is in parentheses and may hold spaces or ")", so
// fields are counted after its last ")".
func parseCPUTime(stat string) (time.Duration, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("CPU time: no command name in %q", stat)
	}
	fields := strings.Fields(stat[end+1:]) // fields[0] is field 3, the state
	if len(fields) < 13 {
		return 0, fmt.Errorf("CPU time: %d fields after the command name in %q", len(fields), stat)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("CPU time: field %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// familyCPU is the CPU so far of pid and of each of its children alive now,
// by process id: PostgreSQL's postmaster and its backends.
func familyCPU(pid int) (map[int]time.Duration, error) {
	own, err := cpuTime(pid)
	if err != nil {
		return nil, err
	}
	family := map[int]time.Duration{pid: own}
	threads, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if err != nil || len(threads) == 0 {
		return nil, fmt.Errorf("children of %d: none listed in /proc (%v)", pid, err)
	}
	for _, list := range threads {
		b, err := os.ReadFile(list)
		if err != nil {
			return nil, err
		}
		for _, field := range strings.Fields(string(b)) {
			child, err := strconv.Atoi(field)
			if err != nil {
				return nil, fmt.Errorf("children of %d: %q", pid, field)
			}
			if cpu, err := cpuTime(child); err == nil { // gone meanwhile: nothing to count
				family[child] = cpu
			}
		}
	}
	return family, nil
}

// grown is the CPU the processes of after used since before. One that started
// since counts whole; one that ended since counts nothing, neither what it
// used before (pgbench's backends, still exiting as a phase starts) nor what
// it used since: read around a phase whose processes stay (the server's pool
// keeps its connections).
func grown(before, after map[int]time.Duration) time.Duration {
	var total time.Duration
	for pid, cpu := range after {
		total += cpu - before[pid]
	}
	return total
}

// cpuSplit is the CPU each process of the benchmark used during one phase.
type cpuSplit struct{ server, postgres, loadgen time.Duration }

// cpuReading is the server's and PostgreSQL's CPU so far (the load
// generator's comes from its exit status).
type cpuReading struct {
	server   time.Duration
	postgres map[int]time.Duration
}

// noPostgres is readCPU's postmaster for a load that has no database (the floor).
const noPostgres = 0

func readCPU(server, postmaster int) (cpuReading, error) {
	s, err := cpuTime(server)
	if err != nil || postmaster == noPostgres {
		return cpuReading{server: s}, err
	}
	p, err := familyCPU(postmaster)
	return cpuReading{server: s, postgres: p}, err
}
