package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
)

func TestVersionLogsAndHealthcheck(t *testing.T) {
	// The throwaway cluster trusts local connections, so any password works;
	// a TEST_DATABASE_URL server keeps its own, which must not leak either.
	u, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	password, ok := u.User.Password()
	if !ok {
		password = "Pa55-never-logged"
		u.User = url.UserPassword(u.User.Username(), password)
	}
	s := startServer(t, u.String())
	s.waitStatus(t, "/readyz", http.StatusOK)

	var v map[string]string
	if err := json.Unmarshal(s.wantStatus(t, "GET", "/api/version", "", 200), &v); err != nil {
		t.Fatal(err)
	}
	if v["version"] != testVersion || v["commit"] != testCommit || v["buildTime"] != testBuildTime {
		t.Fatalf("version %v: -ldflags -X values not applied", v)
	}

	metrics := string(s.wantStatus(t, "GET", "/metrics", "", 200))
	for _, want := range []string{
		"taskboard_db_pool_max_connections ", "taskboard_db_pool_acquires_total ",
		`taskboard_build_info{build_time="` + testBuildTime + `",commit="` + testCommit + `",version="` + testVersion + `"} 1`,
		`taskboard_http_requests_total{method="GET",route="/api/version",status="200"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	code, out := runBinary(t, []string{"PORT=" + strconv.Itoa(s.port)}, "healthcheck")
	if code != 0 {
		t.Fatalf("healthcheck against a live server: exit %d: %s", code, out)
	}
	code, out = runBinary(t, []string{"PORT=" + strconv.Itoa(freePort(t))}, "healthcheck")
	if code != 1 {
		t.Fatalf("healthcheck against nothing: exit %d, want 1: %s", code, out)
	}
	if code, out = runBinary(t, nil, "version"); code != 0 || !strings.Contains(out, testVersion) {
		t.Fatalf("version subcommand: exit %d: %s", code, out)
	}

	if strings.Contains(s.output.String(), password) {
		t.Fatal("the database password appears in the logs")
	}
	found := false
	for _, line := range s.logLines(t) {
		if line["msg"] == "request" && line["route"] == "/api/version" {
			found = line["request_id"] != "" && line["status"] == float64(200)
		}
	}
	if !found {
		t.Fatalf("no JSON access log line with a request_id for /api/version:\n%s", s.output.String())
	}
}

func TestConfigErrorsExitNonZero(t *testing.T) {
	const password = "hunter2-secret"
	cases := []struct {
		name string
		env  []string
		want string
	}{
		{"no database", []string{"PORT=5000"}, "DATABASE_URL"},
		{"bad port", []string{"DATABASE_URL=postgres://u:" + password + "@127.0.0.1/db", "PORT=abc"}, "PORT"},
		{"bad log level", []string{"DATABASE_URL=postgres://u:" + password + "@127.0.0.1/db", "LOG_LEVEL=chatty"}, "LOG_LEVEL"},
		{"bad url", []string{"DATABASE_URL=postgres://u:" + password + "@127.0.0.1:port/db"}, "DATABASE_URL"},
		{"missing user", []string{"POSTGRES_HOST=127.0.0.1", "POSTGRES_PASSWORD=" + password, "POSTGRES_DB=d"}, "POSTGRES_USER"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := runBinary(t, tc.env)
			if code == 0 {
				t.Fatalf("exit 0 with invalid config: %s", out)
			}
			if !strings.Contains(out, tc.want) {
				t.Fatalf("output does not name %s: %s", tc.want, out)
			}
			if strings.Contains(out, password) {
				t.Fatalf("output leaks the password: %s", out)
			}
		})
	}
	if code, out := runBinary(t, nil, "frobnicate"); code != 2 || !strings.Contains(out, "frobnicate") {
		t.Fatalf("unknown subcommand: exit %d: %s", code, out)
	}
}

// Several replicas start at once on an empty database: all become ready and
// each migration is recorded exactly once.
func TestReplicasMigrateTogether(t *testing.T) {
	db := pgtest.NewDatabase(t)
	const replicas = 4
	servers := make([]*server, replicas)
	for i := range replicas { // launched back to back: they race for the migration lock
		servers[i] = launchServer(t, db)
	}
	for _, s := range servers {
		s.waitStatus(t, "/readyz", http.StatusOK)
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows, maxVersion int
	if err := conn.QueryRow(ctx, `SELECT count(*), max(version) FROM schema_migrations`).Scan(&rows, &maxVersion); err != nil {
		t.Fatal(err)
	}
	if rows != migrate.Latest() || maxVersion != migrate.Latest() {
		t.Fatalf("schema_migrations has %d rows up to %d, want %d", rows, maxVersion, migrate.Latest())
	}

	// Written through one replica, read through another.
	var created struct{ ID int64 }
	if err := json.Unmarshal(servers[0].wantStatus(t, "POST", "/api/tasks", `{"title":"shared"}`, 201), &created); err != nil {
		t.Fatal(err)
	}
	servers[replicas-1].wantStatus(t, "GET", fmt.Sprintf("/api/tasks/%d", created.ID), "", 200)
}

// The server starts before PostgreSQL, then lives through an outage: it
// answers 503 meanwhile and recovers by itself each time.
func TestDatabaseLateStartAndOutage(t *testing.T) {
	cluster := pgtest.NewCluster(t)
	ctx := context.Background()
	if err := cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	s := startServer(t, cluster.URL("postgres"))
	s.wantStatus(t, "GET", "/readyz", "", http.StatusServiceUnavailable)
	s.wantStatus(t, "GET", "/api/tasks", "", http.StatusServiceUnavailable)

	if err := cluster.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s.waitStatus(t, "/readyz", http.StatusOK) // migrations retried in the background
	var created struct{ ID int64 }
	if err := json.Unmarshal(s.wantStatus(t, "POST", "/api/tasks", `{"title":"survives"}`, 201), &created); err != nil {
		t.Fatal(err)
	}
	item := fmt.Sprintf("/api/tasks/%d", created.ID)

	if err := cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	s.wantStatus(t, "GET", "/healthz", "", http.StatusOK)
	s.wantStatus(t, "GET", "/readyz", "", http.StatusServiceUnavailable)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/tasks", ""}, {"GET", item, ""}, {"POST", "/api/tasks", `{"title":"lost?"}`},
		{"PATCH", item, `{"done":true}`}, {"DELETE", item, ""},
	} {
		body := s.wantStatus(t, c.method, c.path, c.body, http.StatusServiceUnavailable)
		if !strings.Contains(string(body), `"code":"unavailable"`) {
			t.Fatalf("%s %s during outage: %s", c.method, c.path, body)
		}
	}

	if err := cluster.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s.waitStatus(t, "/readyz", http.StatusOK)
	s.waitStatus(t, item, http.StatusOK)
	s.wantStatus(t, "PATCH", item, `{"done":true}`, http.StatusOK)
	select {
	case <-s.exited:
		t.Fatal("server exited during the outage")
	default:
	}
}

// SIGTERM with a request in flight: the listener closes at once, the
// request still completes, then the process exits 0.
func TestGracefulShutdownFinishesInFlightRequest(t *testing.T) {
	s := startServer(t, pgtest.NewDatabase(t))
	s.waitStatus(t, "/readyz", http.StatusOK)

	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"title":"in flight"}`
	// Expect: 100-continue makes the server tell us when the handler is reading the body,
	// so we know the request is in flight before the signal.
	fmt.Fprintf(conn, "POST /api/tasks HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(body))
	reader := bufio.NewReader(conn)
	status, err := reader.ReadString('\n')
	if err != nil || !strings.Contains(status, "100 Continue") {
		t.Fatalf("want 100 Continue, got %q, %v", status, err)
	}
	if _, err := reader.ReadString('\n'); err != nil { // blank line after the interim response
		t.Fatal(err)
	}

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitLimit)
	for {
		probe, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.port), time.Second)
		if err != nil {
			break // no longer accepting
		}
		probe.Close()
		if time.Now().After(deadline) {
			t.Fatal("server still accepts connections after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-s.exited:
		t.Fatal("server exited with a request in flight")
	default:
	}

	if _, err := conn.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("in-flight request got %d, want 201", resp.StatusCode)
	}
	conn.Close()
	select {
	case <-s.exited:
	case <-time.After(waitLimit):
		t.Fatal("server did not exit after the in-flight request finished")
	}
	if s.err != nil {
		t.Fatalf("exit after SIGTERM: %v, want status 0", s.err)
	}
	if !strings.Contains(s.output.String(), `"msg":"stopped"`) {
		t.Fatalf("no clean stop in the log:\n%s", s.output.String())
	}
}

// SIGTERM with SHUTDOWN_DRAIN set: for the drain the server still serves, and /readyz fails so
// that a Service takes it out of rotation; then it stops accepting and exits 0.
func TestShutdownDrainKeepsServingWhileNotReady(t *testing.T) {
	s := launchServer(t, pgtest.NewDatabase(t), "SHUTDOWN_DRAIN=3s")
	s.waitStatus(t, "/readyz", http.StatusOK)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.waitStatus(t, "/readyz", http.StatusServiceUnavailable)
	resp, err := http.Get(s.base + "/api/tasks")
	if err != nil {
		t.Fatalf("a request during the drain: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a request during the drain got %d, want 200", resp.StatusCode)
	}
	select {
	case <-s.exited:
		t.Fatal("server exited during the drain")
	default:
	}
	select {
	case <-s.exited:
	case <-time.After(waitLimit):
		t.Fatal("server did not exit after the drain")
	}
	if s.err != nil {
		t.Fatalf("exit after SIGTERM: %v, want status 0", s.err)
	}
	if !strings.Contains(s.output.String(), `"msg":"draining"`) || !strings.Contains(s.output.String(), `"msg":"stopped"`) {
		t.Fatalf("no drain, then clean stop, in the log:\n%s", s.output.String())
	}
}
