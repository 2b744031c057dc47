package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// call is one run of the dagger CLI: what it printed and how long it took.
type call struct {
	stdout, stderr string
	took           time.Duration
	err            error
}

// dagger runs the dagger CLI in dir with args, with plain progress so that a failure's log is
// readable, and extra environment (secrets given as env://).
func dagger(ctx context.Context, dir string, env []string, args ...string) call {
	cmd := exec.CommandContext(ctx, "dagger", append([]string{"--progress=plain"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	c := call{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	if err != nil {
		c.err = fmt.Errorf("dagger %s: %v\n%s", strings.Join(args, " "), err, tail(c.stderr, 60))
	}
	return c
}

// tail keeps the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
