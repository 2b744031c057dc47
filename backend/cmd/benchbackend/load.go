package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/loadreport"
)

// runLoad drives the server with one operation alone, from a second process,
// and returns the CPU that process used too.
func runLoad(ctx context.Context, o options, base, op string) (loadreport.Result, time.Duration, error) {
	var out bytes.Buffer
	load := exec.CommandContext(ctx, o.loadgenBin, "-url", base, "-ops", op, "-json",
		"-concurrency", strconv.Itoa(o.concurrency), "-duration", o.duration.String())
	load.Stdout, load.Stderr = &out, os.Stderr
	err := load.Run()
	var res loadreport.Result
	if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil || res.Op != op {
		return res, 0, fmt.Errorf("loadgen %s: %v; output %q (%v)", op, err, out.String(), jerr)
	}
	if err != nil || res.Requests == 0 {
		return res, 0, fmt.Errorf("loadgen %s: %d requests, %d errors: %v", op, res.Requests, res.Errors, err)
	}
	return res, load.ProcessState.UserTime() + load.ProcessState.SystemTime(), nil
}

// measureLoad is runLoad with the CPU each process used meanwhile: the server
// (pid server), PostgreSQL (the family of postmaster, or none when it is
// noPostgres) and the load generator. The backend and the floor are measured
// by it alike.
func measureLoad(ctx context.Context, o options, base, op string, server, postmaster int) (loadreport.Result, cpuSplit, error) {
	before, err := readCPU(server, postmaster)
	if err != nil {
		return loadreport.Result{}, cpuSplit{}, err
	}
	res, loadCPU, err := runLoad(ctx, o, base, op)
	after, cpuErr := readCPU(server, postmaster)
	split := cpuSplit{server: after.server - before.server, postgres: grown(before.postgres, after.postgres), loadgen: loadCPU}
	return res, split, errors.Join(err, cpuErr)
}
