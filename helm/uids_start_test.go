package helm

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// The uids and gids the chart gives nginx and PostgreSQL start the real programs, without an
// engine: Debian's nginx with the frontend image's own config, and Debian's PostgreSQL 15 as the
// image's entrypoint runs it, each as the chart's runAsUser, runAsGroup and fsGroup (a uid with no
// /etc/passwd entry, as in the pod), on directories owned like the pod's volumes (root:fsGroup).
// Then the chart's own probes run against them. The images themselves are proven under the engine
// (ci/smoke.go runs them with the same user).

// chartContainer returns the pod spec and the named container of a workload of the CI render.
func chartContainer(t *testing.T, kind, name string) (corev1.PodSpec, corev1.Container) {
	t.Helper()
	o := get(t, mustRender(t, appChart, appDefaultValues), kind, name)
	var pod corev1.PodSpec
	if kind == "Deployment" {
		pod = decode[appsv1.Deployment](t, o).Spec.Template.Spec
	} else {
		pod = decode[appsv1.StatefulSet](t, o).Spec.Template.Spec
	}
	return pod, pod.Containers[0]
}

// podUser is who the pod's processes run as.
type podUser struct{ uid, gid, fsGroup int64 }

func userOf(t *testing.T, pod corev1.PodSpec) podUser {
	t.Helper()
	sc := pod.SecurityContext
	if sc == nil || sc.RunAsUser == nil || sc.RunAsGroup == nil || sc.FSGroup == nil {
		t.Fatalf("the pod sets no runAsUser, runAsGroup and fsGroup: %+v", sc)
	}
	u := podUser{*sc.RunAsUser, *sc.RunAsGroup, *sc.FSGroup}
	if u.uid < 10000 || u.gid < 10000 || u.fsGroup < 10000 {
		t.Fatalf("uid/gid/fsGroup %+v: want 10000 or more", u)
	}
	return u
}

// command runs a program as the pod's user: setpriv to its uid and gid, with fsGroup as the one
// supplementary group, as the kubelet does. Switching user needs root (CI runs as root).
func (u podUser) command(t *testing.T, env []string, program string, args ...string) *exec.Cmd {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("running as uid %d: this test switches to the chart's uid %d with setpriv and needs root (run make test as root, as .ci/run does)", os.Geteuid(), u.uid)
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatal("setpriv not found: apt-get install util-linux")
	}
	cmd := exec.Command(setpriv, append([]string{
		"--reuid", strconv.FormatInt(u.uid, 10), "--regid", strconv.FormatInt(u.gid, 10),
		"--groups", strconv.FormatInt(u.fsGroup, 10), "--", program}, args...)...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// volume makes a directory owned like a pod volume with fsGroup: root:fsGroup, setgid, group-writable.
func (u podUser) volume(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 0, int(u.fsGroup)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o775|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	return dir
}

// worldDir is a temp dir the pod's user can traverse (t.TempDir's parent is 0700).
func worldDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "taskboard-uid-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// need returns the first existing path, or fails naming the package that provides it.
func need(t *testing.T, pkg string, patterns ...string) string {
	t.Helper()
	for _, p := range patterns {
		matches, _ := filepath.Glob(p)
		slices.Sort(matches)
		if len(matches) > 0 {
			return matches[len(matches)-1]
		}
	}
	t.Fatalf("missing %v: apt-get install %s", patterns, pkg)
	return ""
}

// start runs cmd as u with its output in a log file, and stops its process group at cleanup. The
// file belongs to u, as runc hands a container's stdout and stderr to its user (nginx reopens
// /dev/stdout for its access log).
func (u podUser) start(t *testing.T, cmd *exec.Cmd, log string, stop syscall.Signal) <-chan struct{} {
	t.Helper()
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Chown(int(u.uid), int(u.gid)); err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, stop)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
		f.Close()
	})
	return exited
}

// eventually retries check every 200ms for 30s, and gives up when the process has exited.
func eventually(t *testing.T, what, log string, exited <-chan struct{}, check func() error) {
	t.Helper()
	fail := func(err error) {
		out, _ := os.ReadFile(log)
		t.Fatalf("%s: %v\n--- log ---\n%s", what, err, out)
	}
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if err = check(); err == nil {
			return
		}
		select {
		case <-exited:
			fail(fmt.Errorf("the process exited (%v)", err))
		default:
		}
	}
	fail(err)
}

// runsAs checks the kernel's view of a process's real uid and gid.
func runsAs(t *testing.T, pid int, u podUser) {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"Uid:": u.uid, "Gid:": u.gid}
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && want[f[0]] != 0 && f[1] != strconv.FormatInt(want[f[0]], 10) {
			t.Errorf("pid %d %s %s, want %d", pid, f[0], f[1], want[f[0]])
		}
	}
}

func TestFrontendNginxStartsAsTheChartsUID(t *testing.T) {
	pod, c := chartContainer(t, "Deployment", "taskboard-frontend")
	u := userOf(t, pod)
	nginx := need(t, "nginx", "/usr/sbin/nginx")
	need(t, "nginx", "/etc/nginx/mime.types") // the image's nginx.conf includes it

	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.LivenessProbe == nil || c.LivenessProbe.TCPSocket == nil {
		t.Fatalf("frontend probes changed (readiness httpGet, liveness tcpSocket expected): update this test\n%+v\n%+v", c.ReadinessProbe, c.LivenessProbe)
	}
	// The image's fixed paths, moved to this run: /tmp (the pod's emptyDir), the port, the build.
	root := worldDir(t)
	tmp := u.volume(t, filepath.Join(root, "tmp"))
	html := filepath.Join(root, "html")
	if err := os.MkdirAll(html, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(html, "index.html"), []byte("<!doctype html><title>taskboard</title>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	replace := func(s, old, new string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("the frontend's nginx config no longer contains %q: update this test", old)
		}
		return strings.ReplaceAll(s, old, new)
	}
	read := func(p string) string {
		data, err := os.ReadFile(filepath.Join("..", "frontend", "nginx", p))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	// What the image entrypoint's envsubst writes to /tmp/conf.d (only ${BACKEND_URL}).
	server := replace(read("templates/conf.d/taskboard.conf.template"), "${BACKEND_URL}", "http://127.0.0.1:9")
	server = replace(server, "listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;", port))
	server = replace(server, "root /usr/share/nginx/html;", "root "+html+";")
	conf := replace(read("nginx.conf"), "/tmp/", tmp+"/")
	// Written by the entrypoint as the pod's user: the files are the user's.
	for path, text := range map[string]string{filepath.Join(tmp, "conf.d", "taskboard.conf"): server, filepath.Join(root, "nginx.conf"): conf} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chown(path, int(u.uid), int(u.gid))
	}
	os.Chown(filepath.Join(tmp, "conf.d"), int(u.uid), int(u.gid))

	// -e stderr: the image's error.log is a link to /dev/stderr.
	log := filepath.Join(root, "nginx.log")
	cmd := u.command(t, nil, nginx, "-p", root, "-c", filepath.Join(root, "nginx.conf"), "-e", "stderr", "-g", "daemon off;")
	exited := u.start(t, cmd, log, syscall.SIGQUIT)

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	eventually(t, "readiness probe (httpGet "+c.ReadinessProbe.HTTPGet.Path+")", log, exited, func() error {
		resp, err := http.Get(base + c.ReadinessProbe.HTTPGet.Path)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
	if err != nil {
		t.Fatalf("liveness probe (tcpSocket): %v", err)
	}
	conn.Close()
	resp, err := http.Get(base + "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / as uid %d: %v %v", u.uid, resp, err)
	}
	resp.Body.Close()
	runsAs(t, cmd.Process.Pid, u)
	if out, _ := os.ReadFile(log); bytes.Contains(out, []byte("[emerg]")) || bytes.Contains(out, []byte("[alert]")) || bytes.Contains(out, []byte("Permission denied")) {
		t.Errorf("nginx as uid %d complained:\n%s", u.uid, out)
	}
}

func TestPostgresStartsAsTheChartsUID(t *testing.T) {
	pod, c := chartContainer(t, "StatefulSet", "taskboard-postgresql")
	u := userOf(t, pod)
	bin := need(t, "postgresql", "/usr/lib/postgresql/*/bin")
	nssWrapper := need(t, "libnss-wrapper", "/usr/lib/*/libnss_wrapper.so")

	// The pod's volumes: the data volume, the socket directory (an emptyDir), both root:fsGroup.
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	root := worldDir(t)
	data := u.volume(t, filepath.Join(root, "data"))
	socket := u.volume(t, filepath.Join(root, "run"))
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	pgdata := strings.Replace(env["PGDATA"], mounts["data"], data, 1)
	if env["PGDATA"] == "" || pgdata == env["PGDATA"] || mounts["run"] != "/var/run/postgresql" {
		t.Fatalf("PGDATA %q on the data volume %q, socket volume %q: update this test", env["PGDATA"], mounts["data"], mounts["run"])
	}

	// initdb as the image's entrypoint runs it for a uid without a passwd entry: through
	// nss_wrapper, with the superuser named POSTGRES_USER and a password.
	passwd := filepath.Join(root, "passwd")
	group := filepath.Join(root, "group")
	os.WriteFile(passwd, fmt.Appendf(nil, "postgres:x:%d:%d:PostgreSQL:%s:/bin/false\n", u.uid, u.gid, data), 0o644)
	os.WriteFile(group, fmt.Appendf(nil, "postgres:x:%d:\n", u.gid), 0o644)
	pwfile := filepath.Join(root, "pwfile")
	os.WriteFile(pwfile, []byte("not-a-secret\n"), 0o644)
	initdb := u.command(t, []string{"LD_PRELOAD=" + nssWrapper, "NSS_WRAPPER_PASSWD=" + passwd, "NSS_WRAPPER_GROUP=" + group},
		filepath.Join(bin, "initdb"), "-D", pgdata, "--username", env["POSTGRES_USER"], "--pwfile", pwfile)
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb as uid %d: %v\n%s", u.uid, err, out)
	}
	// The server runs without nss_wrapper, as in the image. First as the image's entrypoint runs
	// it to initialise a new volume: a temporary server on the socket alone.
	port := fmt.Sprint(freePort(t))
	log := filepath.Join(root, "postgres.log")
	cmd := u.command(t, nil, filepath.Join(bin, "postgres"), "-D", pgdata, "-k", socket, "-p", port, "-c", "listen_addresses=")
	exited := u.start(t, cmd, log, syscall.SIGINT)

	// The chart's probes, as the kubelet runs them: $(VAR) from the container's env, inside the
	// container (here: as its user, with the socket directory moved to this run).
	probe := func(p *corev1.Probe) error {
		if p == nil || p.Exec == nil {
			t.Fatalf("postgresql probe is not an exec probe: %+v", p)
		}
		args := make([]string, len(p.Exec.Command))
		for i, a := range p.Exec.Command {
			for k, v := range env {
				a = strings.ReplaceAll(a, "$("+k+")", v)
			}
			args[i] = strings.ReplaceAll(a, mounts["run"], socket)
		}
		program := filepath.Join(bin, args[0])
		out, err := u.command(t, []string{"PGPORT=" + port}, program, args[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %v: %s", args, err, out)
		}
		return nil
	}
	eventually(t, "startup probe", log, exited, func() error { return probe(c.StartupProbe) })
	if err := probe(c.LivenessProbe); err != nil {
		t.Fatalf("liveness: %v", err)
	}
	// Ready means the application's database answers a query: not yet, it does not exist.
	if err := probe(c.ReadinessProbe); err == nil {
		t.Errorf("readiness passed before the database %q existed: it must run a query in it", env["POSTGRES_DB"])
	}
	psql := u.command(t, nil, filepath.Join(bin, "psql"), "-h", socket, "-p", port, "-U", env["POSTGRES_USER"], "-d", "postgres", "-X", "-c", "create database "+env["POSTGRES_DB"])
	if out, err := psql.CombinedOutput(); err != nil {
		t.Fatalf("create database: %v\n%s", err, out)
	}
	// The database exists, but this is still the temporary server that clients cannot reach:
	// not Ready (a cluster showed the pod Ready here, and its Service refusing connections).
	if err := probe(c.ReadinessProbe); err == nil {
		t.Errorf("readiness passed against the entrypoint's temporary server (socket only): it must wait for the real one")
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the temporary server did not stop on SIGINT")
	}
	// The real server, listening for clients (127.0.0.1 here, every address in the image).
	cmd = u.command(t, nil, filepath.Join(bin, "postgres"), "-D", pgdata, "-k", socket, "-p", port, "-c", "listen_addresses=127.0.0.1")
	exited = u.start(t, cmd, log, syscall.SIGINT)
	eventually(t, "startup probe (the real server)", log, exited, func() error { return probe(c.StartupProbe) })
	if err := probe(c.ReadinessProbe); err != nil {
		t.Errorf("readiness: %v", err)
	}
	runsAs(t, cmd.Process.Pid, u)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
