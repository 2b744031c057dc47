// Package pgtest gives tests a real PostgreSQL database.
//
// With TEST_DATABASE_URL set, each test gets a fresh database created on
// that server. Otherwise one throwaway cluster (pgcluster) is started per
// test package, lazily, and removed when the package's tests end. When
// neither is possible the test fails saying what to install.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgcluster"
)

var shared struct {
	once     sync.Once
	cluster  *pgcluster.Cluster
	adminURL string
	err      error
}

// Main runs the package's tests, removes the shared cluster and exits.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain with its own clean-up: it returns the exit code.
func Run(m *testing.M) int {
	code := m.Run()
	if shared.cluster != nil {
		if err := shared.cluster.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: removing the cluster:", err)
			code = 1
		}
	}
	return code
}

// adminURL returns a URL to a database where CREATE DATABASE works.
func adminURL(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() {
		if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
			shared.adminURL = u
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared.cluster, shared.err = pgcluster.Start(ctx)
		if shared.err == nil {
			shared.adminURL = shared.cluster.URL("postgres")
		}
	})
	if shared.err != nil {
		t.Fatalf("pgtest: no PostgreSQL for tests: %v", shared.err)
	}
	return shared.adminURL
}

// NewDatabase creates an empty database for this test only and returns its
// URL; the database is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return createDatabase(t, adminURL(t))
}

// NewCluster starts a cluster owned by this test alone, for tests that stop
// and restart the server. It ignores TEST_DATABASE_URL: those tests need
// control of the server process.
func NewCluster(t testing.TB) *pgcluster.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx)
	if err != nil {
		t.Fatalf("pgtest: cannot start PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("pgtest: removing the cluster: %v", err)
		}
	})
	return c
}

func createDatabase(t testing.TB, admin string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", redacted(admin), err)
	}
	defer conn.Close(ctx)
	name := "test_" + randomHex(8)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return withDatabase(t, admin, name)
}

// withDatabase swaps the database name of a postgres:// URL.
func withDatabase(t testing.TB, admin, db string) string {
	u, err := url.Parse(admin)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		t.Fatalf("pgtest: TEST_DATABASE_URL must be a postgres:// URL")
	}
	u.Path = "/" + db
	return u.String()
}

func redacted(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparseable URL)"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
