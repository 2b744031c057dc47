package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgcluster"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

// These tests run the real binary as OS processes, built once with the
// same -ldflags the Dockerfile uses.
var binary string

const (
	buildPkg      = "github.com/devsecops-reference/taskboard/backend/internal/buildinfo"
	testVersion   = "1.2.3-test"
	testCommit    = "0123456789abcdef"
	testBuildTime = "2026-01-02T03:04:05Z"
	// waitLimit bounds every poll; reaching it is a failure, not a measurement.
	waitLimit = 60 * time.Second
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "taskboard-server-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "server")
	code := 1
	if err := build(binary); err != nil {
		fmt.Fprintln(os.Stderr, "building the server:", err)
	} else {
		code = pgtest.Run(m)
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func build(out string) error {
	ldflags := fmt.Sprintf("-X %s.Version=%s -X %s.Commit=%s -X %s.BuildTime=%s",
		buildPkg, testVersion, buildPkg, testCommit, buildPkg, testBuildTime)
	cmd := exec.Command(goTool(), "build", "-trimpath", "-ldflags", ldflags, "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, stderr.String())
	}
	return nil
}

// goTool is the go command on PATH, else the one that built this test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// server is one running process of the binary.
type server struct {
	cmd    *exec.Cmd
	base   string
	port   int
	output *syncBuffer
	exited chan struct{}
	err    error
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	port, err := pgcluster.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// startServer runs the binary against dbURL on a free loopback port and
// waits until it answers /healthz.
func startServer(t *testing.T, dbURL string) *server {
	t.Helper()
	s := launchServer(t, dbURL)
	s.waitStatus(t, "/healthz", http.StatusOK)
	return s
}

// launchServer starts the process without waiting for it; extraEnv adds NAME=value settings.
func launchServer(t *testing.T, dbURL string, extraEnv ...string) *server {
	t.Helper()
	port := freePort(t)
	s := &server{port: port, base: "http://127.0.0.1:" + strconv.Itoa(port), output: &syncBuffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(binary)
	s.cmd.Env = append([]string{"DATABASE_URL=" + dbURL, "PORT=" + strconv.Itoa(port), "LISTEN_HOST=127.0.0.1", "LOG_LEVEL=debug"}, extraEnv...)
	s.cmd.Stdout, s.cmd.Stderr = s.output, s.output
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			s.cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("server output:\n%s", s.output.String())
		}
	})
	return s
}

// do returns the status and body of GET path, or status 0 when the server does not answer.
func (s *server) do(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// waitStatus polls until path answers want; the server must get there by itself.
func (s *server) waitStatus(t *testing.T, path string, want int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		select {
		case <-s.exited:
			t.Fatalf("server exited (%v) while waiting for %s to answer %d\n%s", s.err, path, want, s.output.String())
		default:
		}
		status, body := s.do(t, "GET", path, "")
		if status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still answers %d (%s), want %d", path, status, body, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *server) wantStatus(t *testing.T, method, path, body string, want int) []byte {
	t.Helper()
	status, b := s.do(t, method, path, body)
	if status != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, status, want, b)
	}
	return b
}

// logLines parses the JSON log lines the server wrote so far.
func (s *server) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s.output.String()), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		lines = append(lines, v)
	}
	return lines
}

// runBinary runs a short-lived command of the binary and returns its exit code and output.
func runBinary(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode(), string(out)
		}
		t.Fatal(err)
	}
	return 0, string(out)
}
