// Package pgcluster runs a throwaway PostgreSQL cluster from the server
// binaries on this machine: in a temporary directory, on a free loopback
// port, as the postgres user when the caller is root (PostgreSQL refuses
// root). Tests (through pgtest) and the backend benchmark use it.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// InstallHint says what to install when no server binaries are found.
const InstallHint = "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in PATH or " +
	"/usr/lib/postgresql/*/bin: install them, e.g. `apt-get install postgresql`, " +
	"or set TEST_DATABASE_URL to a server where the user may CREATE DATABASE"

// Cluster is one running (or stopped) PostgreSQL instance.
type Cluster struct {
	Port    int
	dir     string
	binDir  string
	cred    *syscall.Credential
	running bool
}

// Start initialises a cluster in a new temp directory and starts it.
func Start(ctx context.Context) (*Cluster, error) {
	binDir, err := findBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "taskboard-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, binDir: binDir}
	if err := c.init(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if c.Port, err = FreePort(); err == nil {
			if err = c.Start(ctx); err == nil {
				return c, nil
			}
		}
		if attempt == 3 { // the free port was taken between probe and bind: try another
			c.Close()
			return nil, err
		}
	}
}

func (c *Cluster) init(ctx context.Context) error {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root needs a postgres user to own the cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return err
		}
	}
	return c.run(ctx, "initdb", "-D", c.dataDir(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
}

// Start (re)starts a stopped cluster on the same port and data.
func (c *Cluster) Start(ctx context.Context) error {
	opts := strings.Join([]string{
		"-p", strconv.Itoa(c.Port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + c.dir,
		"-c", "max_connections=200",
		// Throwaway data: durability costs time and buys nothing.
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
	}, " ")
	if err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-l", filepath.Join(c.dir, "server.log"),
		"-w", "-t", "60", "-o", opts, "start"); err != nil {
		return fmt.Errorf("start PostgreSQL: %w\n%s", err, c.Log())
	}
	c.running = true
	return nil
}

// Stop shuts the server down fast (existing sessions are disconnected).
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.running {
		return nil
	}
	if err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		return err
	}
	c.running = false
	return nil
}

// Wipe is a lost volume: it stops the server, removes its data directory,
// initialises a fresh one and starts it again on the same port.
func (c *Cluster) Wipe(ctx context.Context) error {
	if err := c.Stop(ctx); err != nil {
		return err
	}
	if err := os.RemoveAll(c.dataDir()); err != nil {
		return err
	}
	if err := c.init(ctx); err != nil {
		return err
	}
	return c.Start(ctx)
}

// Close stops the server and removes every file of the cluster.
func (c *Cluster) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := c.Stop(ctx)
	return errors.Join(err, os.RemoveAll(c.dir))
}

// URL connects to database db as the superuser postgres.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// Log returns the server log, for failure messages.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	return string(b)
}

// Tool finds a program shipped with the server binaries (pgbench, psql):
// beside them, beside what they link to (PATH may hold only links), or in PATH.
func (c *Cluster) Tool(name string) (string, error) {
	dirs := []string{c.binDir}
	if real, err := filepath.EvalSymlinks(filepath.Join(c.binDir, "pg_ctl")); err == nil {
		dirs = append(dirs, filepath.Dir(real))
	}
	for _, dir := range dirs {
		if p := filepath.Join(dir, name); isFile(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found beside the PostgreSQL server binaries (%s) or in PATH: "+
		"Debian's postgresql package ships it (apt-get install postgresql)", name, strings.Join(dirs, ", "))
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }

// PostmasterPID is the running server's process id, the first line of its
// postmaster.pid; every backend is its child.
func (c *Cluster) PostmasterPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("postmaster.pid: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0, fmt.Errorf("postmaster.pid: first line %q: %w", first, err)
	}
	return pid, nil
}

func (c *Cluster) run(ctx context.Context, tool string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, tool), args...)
	cmd.Dir = c.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	// pg_ctl's postgres must outlive a cancelled ctx only via pg_ctl stop, and must
	// not inherit our stdout (a test runner waits on it).
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// findBinDir prefers PATH, then the newest /usr/lib/postgresql/<version>/bin.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New(InstallHint)
}

func versionOf(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// FreePort asks the kernel for a free loopback TCP port, for the cluster and for the processes
// that tests and the benchmark start beside it.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
