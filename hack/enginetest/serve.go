package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"dagger/pipeline/rekorlog"

	"github.com/devsecops-reference/taskboard/hack/enginetest/offline"
)

// servePort is where the serve process listens, unless $ENGINE_SERVE_PORT says otherwise.
var servePort = envInt("ENGINE_SERVE_PORT", 5080)

// served is what the serve process tells the run process once it listens.
type served struct {
	// Port is the TCP port, on every address of the engine's network namespace.
	Port int `json:"port"`
	// RekorURL and RekorKey are the private transparency log's (ci/rekorlog), as containers
	// reach it: the fork's policy requires it, so every release to the registry records in it.
	RekorURL string `json:"rekorURL"`
	RekorKey []byte `json:"rekorKey"`
}

// The Trivy DBs the serve process pushes to its registry: one with no advisory that matches
// anything here, and one with a HIGH advisory for a module the backend binary contains.
const (
	trivyDBClean = "trivy-db:2"
	trivyDBHigh  = "trivy-db-high:2"
	// The module the HIGH advisory names: the backend's PostgreSQL driver.
	advisedModule = "github.com/jackc/pgx/v5"
)

// serve runs, inside the engine's network namespace, everything the containers download from
// and push to, on one port: the registry at /v2/, the GitOps repository at /git/, and the
// offline sources at /goproxy/, /npm/ and /schemas/. The same handler also listens on a unix
// socket (control.sock in state), which the run process on the host uses to look inside: the
// registry's contents, the git log, and the concurrent-writer switch at /control/. Beside them
// it runs a private Rekor log (ci/rekorlog) on ports of its own.
func serve(state, gateway, repo string) error {
	cache, err := offline.CacheDir()
	if err != nil {
		return err
	}
	modDir, err := offline.GoModDownloadDir()
	if err != nil {
		return err
	}
	// A fixed port: the engine must be told to pull from this registry over plain HTTP
	// (hack/airgap/buildkitd.toml), which takes a host and port.
	ln, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", servePort))
	if err != nil {
		return err
	}
	port := servePort
	public := fmt.Sprintf("http://%s:%d", gateway, port)

	values, err := os.ReadFile(filepath.Join(repo, valuesPath))
	if err != nil {
		return err
	}
	git, err := newGitServer(filepath.Join(state, "git"), valuesPath, values)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/v2/", newRegistry())
	mux.Handle("/git/", http.StripPrefix("/git", git.handler))
	mux.Handle("/goproxy/", http.StripPrefix("/goproxy", offline.GoProxy(modDir)))
	mux.Handle("/npm/", http.StripPrefix("/npm", offline.Npm(filepath.Join(cache, offline.NpmCacheSubdir), public+"/npm")))
	mux.Handle("/schemas/", http.StripPrefix("/schemas", offline.Schemas(filepath.Join(cache, offline.SchemasCacheSubdir))))
	mux.HandleFunc("POST /control/interleave", func(w http.ResponseWriter, r *http.Request) {
		git.mu.Lock()
		git.interleave = true
		git.mu.Unlock()
	})
	mux.HandleFunc("GET /control/gitlog", func(w http.ResponseWriter, r *http.Request) {
		log, err := git.log()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(log)
	})
	go http.Serve(ln, mux)

	// The GitOps repository over HTTPS too (the module sends its token over TLS only), with a
	// certificate of a CA of this run's own, as an internal Git server has.
	tlsLn, ca, err := tlsListener(fmt.Sprintf("0.0.0.0:%d", servePort+1), gateway)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(state, "git-ca.pem"), ca, 0o644); err != nil {
		return err
	}
	go http.Serve(tlsLn, mux)

	sock := filepath.Join(state, "control.sock")
	os.Remove(sock)
	uln, err := net.Listen("unix", sock)
	if err != nil {
		return err
	}
	go http.Serve(uln, mux)

	for ref, dir := range map[string]string{trivyDBClean: "clean", trivyDBHigh: "high"} {
		db := filepath.Join(cache, offline.TrivyDBCacheSubdir, dir)
		if err := offline.PushTrivyDB(db, fmt.Sprintf("127.0.0.1:%d/%s", port, ref), true); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
	}
	logDir := filepath.Join(state, "rekor")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	log, err := rekorlog.Start(context.Background(), rekorlog.Options{Repo: repo, Dir: logDir, Listen: "0.0.0.0", Host: gateway})
	if err != nil {
		return fmt.Errorf("the transparency log: %w", err)
	}
	defer log.Stop()
	if err := json.NewEncoder(os.Stdout).Encode(served{Port: port, RekorURL: log.URL, RekorKey: log.PublicKeyPEM}); err != nil {
		return err
	}
	// Serve until the run process closes our stdin.
	buf := make([]byte, 1)
	for {
		if _, err := os.Stdin.Read(buf); err != nil {
			return nil
		}
	}
}

// prepare fills the caches the serve process reads, on the host (which may download): Go
// modules, npm tarballs, generated schemas and both Trivy DBs.
func prepare(repo string) error {
	cache, err := offline.CacheDir()
	if err != nil {
		return err
	}
	// The serve process runs the transparency log, inside a namespace that cannot download.
	if out, err := exec.Command("bash", filepath.Join(repo, "scripts", "tool-rekor.sh")).CombinedOutput(); err != nil {
		return fmt.Errorf("scripts/tool-rekor.sh: %w\n%s", err, out)
	}
	// The module's test stages also build the report converters from tools/testreports.
	if err := offline.PrepareGoModules(repo, filepath.Join(repo, "ci"), filepath.Join(repo, "tools", "testreports")); err != nil {
		return err
	}
	if err := offline.PrepareNpm(filepath.Join(cache, offline.NpmCacheSubdir),
		[]string{filepath.Join(repo, "frontend", "package-lock.json")}, nil); err != nil {
		return err
	}
	kubeVersion, err := offline.KubeVersionFromChart(filepath.Join(repo, "helm", "app", "Chart.yaml"))
	if err != nil {
		return err
	}
	if err := offline.PrepareSchemas(filepath.Join(cache, offline.SchemasCacheSubdir), kubeVersion); err != nil {
		return err
	}
	dbs := map[string][]offline.GoAdvisory{
		"clean": nil,
		"high": {{Module: advisedModule, VulnerableRange: "< 99.0.0", ID: "CVE-2099-0001", Severity: "HIGH",
			Title: "enginetest: a HIGH advisory for the backend's driver", FixedVersion: "99.0.0"}},
	}
	for dir, advisories := range dbs {
		if err := offline.BuildTrivyDB(filepath.Join(cache, offline.TrivyDBCacheSubdir, dir), advisories); err != nil {
			return err
		}
	}
	return nil
}

// sourceFlag is one constructor flag that points the module at a served source.
type sourceFlag struct{ name, value string } // value "" is a boolean flag

// sourceFlags point the module at the sources the serve process reaches containers at.
func sourceFlags(public string, schemas []string) []sourceFlag {
	return []sourceFlag{
		{"go-proxy", public + "/goproxy"},
		{"npm-registry", public + "/npm/"},
		{"kubernetes-schemas", schemas[0]},
		{"crd-schemas", schemas[1]},
	}
}

// scanPolicy is with-scan-policy with the served Trivy DB of that name (plain HTTP).
func scanPolicy(public, db string) []string {
	return []string{"with-scan-policy", "--db-repository", strings.TrimPrefix(public, "http://") + "/" + db, "--db-insecure"}
}

// cliArgs are the flags as dagger call takes them.
func cliArgs(flags []sourceFlag) []string {
	var args []string
	for _, f := range flags {
		args = append(args, "--"+f.name)
		if f.value != "" {
			args = append(args, f.value)
		}
	}
	return args
}

// envFile is the same as a .env file of user defaults, which dagger check reads: the module's
// name, an underscore, and the argument's name (the engine compares it case-insensitively, so
// PIPELINE_goProxy and PIPELINE_GOPROXY are the same; PIPELINE_GO_PROXY is not).
func envFile(flags []sourceFlag) string {
	var b strings.Builder
	for _, f := range flags {
		value := f.value
		if value == "" {
			value = "true"
		}
		parts := strings.Split(f.name, "-")
		for i := 1; i < len(parts); i++ {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
		fmt.Fprintf(&b, "PIPELINE_%s=%s\n", strings.Join(parts, ""), value)
	}
	return b.String()
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}
