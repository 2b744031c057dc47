// Package rekorlog runs a private Rekor transparency log as a real one runs: rekor-server in
// front of Trillian's log server and log signer, whose Merkle tree lives in PostgreSQL from
// Debian. The programs come from scripts/tool-rekor.sh (built from the Go module proxy). The
// release's tests start one on loopback; hack/enginetest starts one the engine's containers reach.
package rekorlog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Options say where the log's programs are and how it is reached.
type Options struct {
	// Repo is the repository, for scripts/tool-rekor.sh.
	Repo string
	// Dir holds the programs' logs; it must exist.
	Dir string
	// Listen is the address rekor-server binds (127.0.0.1 unless set); Host is the one its URL
	// names (Listen unless set), for a log bound to 0.0.0.0.
	Listen, Host string
}

// Log is a running log.
type Log struct {
	// URL is rekor-server's API (http://host:port).
	URL string
	// PublicKeyPEM is the key the log signs entry timestamps with.
	PublicKeyPEM []byte
	// Started is a moment before the log's first entry: its key's validity in a trusted root.
	Started time.Time
	dir     string // the programs' logs
	pgDir   string // PostgreSQL's data, removed by Stop
	procs   []*exec.Cmd
}

// Start runs a log until Stop. On error, whatever it started is stopped.
func Start(ctx context.Context, opts Options) (l *Log, err error) {
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1"
	}
	if opts.Host == "" {
		opts.Host = opts.Listen
	}
	l = &Log{dir: opts.Dir, Started: time.Now().Add(-time.Minute)}
	defer func() {
		if err != nil {
			l.Stop()
			err = fmt.Errorf("%w\n%s", err, l.Logs(2000))
		}
	}()
	bins, err := tools(opts.Repo)
	if err != nil {
		return nil, err
	}
	pgBin, err := postgresBin()
	if err != nil {
		return nil, err
	}

	// PostgreSQL refuses to run as root: its data belongs to the postgres user, in a directory
	// of its own that it can reach (a test's temporary directory is root's alone).
	if l.pgDir, err = os.MkdirTemp("", "rekorlog-pg-"); err != nil {
		return nil, err
	}
	cred, err := postgresUser(l.pgDir)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(l.pgDir, "data")
	if err := run(cred, filepath.Join(pgBin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "--no-instructions"); err != nil {
		return nil, err
	}
	ports, err := freePorts(6)
	if err != nil {
		return nil, err
	}
	pgPort, logRPC, logHTTP, signerRPC, signerHTTP, rekorPort := ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]
	if err := l.start(cred, filepath.Join(pgBin, "postgres"), "-D", data, "-p", pgPort,
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+l.pgDir, "-c", "fsync=off"); err != nil {
		return nil, err
	}
	psql := filepath.Join(pgBin, "psql")
	db := "postgresql://postgres@127.0.0.1:" + pgPort
	if err := waitFor(ctx, "PostgreSQL", func() error { return exec.Command(psql, db+"/postgres", "-c", "select 1").Run() }); err != nil {
		return nil, err
	}
	if err := run(nil, psql, db+"/postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE trillian"); err != nil {
		return nil, err
	}
	if err := run(nil, psql, db+"/trillian", "-v", "ON_ERROR_STOP=1", "-q", "-f", filepath.Join(bins, "storage.sql")); err != nil {
		return nil, err
	}

	storage := []string{"--storage_system=postgresql", "--quota_system=postgresql",
		"--postgresql_uri=" + db + "/trillian?sslmode=disable"}
	if err := l.start(nil, filepath.Join(bins, "trillian_log_server"), append(storage,
		"--rpc_endpoint=127.0.0.1:"+logRPC, "--http_endpoint=127.0.0.1:"+logHTTP)...); err != nil {
		return nil, err
	}
	if err := l.start(nil, filepath.Join(bins, "trillian_log_signer"), append(storage, "--force_master",
		"--rpc_endpoint=127.0.0.1:"+signerRPC, "--http_endpoint=127.0.0.1:"+signerHTTP)...); err != nil {
		return nil, err
	}
	// rekor-server gives up at once when the log server is not listening yet.
	if err := waitFor(ctx, "trillian_log_server", func() error {
		c, err := net.Dial("tcp", "127.0.0.1:"+logRPC)
		if err == nil {
			c.Close()
		}
		return err
	}); err != nil {
		return nil, err
	}
	// The signer is an in-memory key: each log is new, and its key is read back below. No search
	// index (no retrieve API, no searchIndex endpoint): verifiers check the entry each signature
	// carries, so the log needs no Redis.
	if err := l.start(nil, filepath.Join(bins, "rekor-server"), "serve",
		"--trillian_log_server.address=127.0.0.1", "--trillian_log_server.port="+logRPC,
		"--rekor_server.address="+opts.Listen, "--port="+rekorPort,
		"--rekor_server.signer=memory", "--enable_retrieve_api=false",
		"--enabled_api_endpoints=getLogInfo,getPublicKey,getLogProof,createLogEntry,getLogEntryByIndex,getLogEntryByUUID,searchLogQuery",
		"--log_type=prod"); err != nil {
		return nil, err
	}
	l.URL = "http://" + net.JoinHostPort(opts.Host, rekorPort)
	local := "http://" + net.JoinHostPort(opts.Listen, rekorPort)
	if opts.Listen == "0.0.0.0" {
		local = "http://127.0.0.1:" + rekorPort
	}
	err = waitFor(ctx, "rekor-server", func() error {
		key, err := get(local + "/api/v1/log/publicKey")
		l.PublicKeyPEM = key
		return err
	})
	return l, err
}

// Stop stops every process of the log (a log that is down, for tests of the release's refusal).
func (l *Log) Stop() {
	for i := len(l.procs) - 1; i >= 0; i-- {
		p := l.procs[i]
		_ = p.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = p.Process.Kill()
			<-done
		}
	}
	l.procs = nil
	if l.pgDir != "" {
		_ = os.RemoveAll(l.pgDir)
		l.pgDir = ""
	}
}

// Logs is the end of each program's output, n bytes at most each, for failure messages.
func (l *Log) Logs(n int) string {
	files, _ := filepath.Glob(filepath.Join(l.dir, "*.log"))
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if len(data) > n {
			data = data[len(data)-n:]
		}
		fmt.Fprintf(&b, "--- %s:\n%s\n", filepath.Base(f), data)
	}
	return b.String()
}

func (l *Log) start(cred *syscall.Credential, bin string, args ...string) error {
	out, err := os.Create(filepath.Join(l.dir, filepath.Base(bin)+".log"))
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	// Pdeathsig fires when the OS thread that forked exits, not the process: a caller must not end
	// a locked thread (runtime.LockOSThread without Unlock) while the log runs.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	l.procs = append(l.procs, cmd)
	return nil
}

func tools(repo string) (string, error) {
	cmd := exec.Command("bash", filepath.Join(repo, "scripts/tool-rekor.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("the Rekor log's programs are needed: run scripts/tool-rekor.sh (%v)", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func postgresBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", errors.New("the Rekor log stores its tree in PostgreSQL: install Debian's postgresql (apt-get install postgresql)")
}

// postgresUser is the credential PostgreSQL runs with: the postgres user when this is root.
func postgresUser(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a postgres user to own the log's database: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func run(cred *syscall.Credential, bin string, args ...string) error {
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return nil
}

// freePorts holds n listeners open at once, so that the ports differ, then frees them.
func freePorts(n int) ([]string, error) {
	var ports []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	return ports, nil
}

// waitFor polls ready for up to a minute.
func waitFor(ctx context.Context, what string, ready func() error) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		err := ready()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after a minute: %w", what, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", resp.Status, b)
	}
	return b, nil
}
