package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
)

// loadResult is what loadgen -json prints for one operation.
type loadResult struct {
	Op       string  `json:"op"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50Ms"`
	P99ms    float64 `json:"p99Ms"`
}

// runLoad drives the server with one operation alone, from a second process.
func runLoad(ctx context.Context, o options, base, op string) (loadResult, error) {
	var out bytes.Buffer
	load := exec.CommandContext(ctx, o.loadgenBin, "-url", base, "-ops", op, "-json",
		"-concurrency", strconv.Itoa(o.concurrency), "-duration", o.duration.String())
	load.Stdout, load.Stderr = &out, os.Stderr
	err := load.Run()
	var res loadResult
	if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil || res.Op != op {
		return res, fmt.Errorf("loadgen %s: %v; output %q (%v)", op, err, out.String(), jerr)
	}
	if err != nil || res.Requests == 0 {
		return res, fmt.Errorf("loadgen %s: %d requests, %d errors: %v", op, res.Requests, res.Errors, err)
	}
	return res, nil
}
