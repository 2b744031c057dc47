// Command enginetest runs the Dagger module's functions for real, with the dagger CLI, against
// whatever engine the CLI reaches, and prints one line per scenario and "N passed, N failed".
//
// Containers may have no network: everything they download from (a GOPROXY, an npm registry,
// kubeconform schemas, Trivy DBs) and push to (a registry, a git server) is served by a second
// process of this command, `enginetest serve`, started with $ENGINE_NETNS in front (a command
// that runs a program in the engine's network namespace; empty runs it here), and reached by the
// containers at $ENGINE_GATEWAY. `make test-engine` sets both for the rig in ../shared/dagger-rig.
//
//	enginetest [-run REGEXP] [-repo DIR]   prepare the sources, serve them, run the scenarios
//	enginetest -bench                      the figures of make bench-pipeline, beside their goals
//	enginetest -cluster TARGET.json        the same, but one release into a Kubernetes cluster
//	                                       (hack/cluster's make test-cluster-release asks for it)
//	enginetest serve -state DIR ...        (internal) the servers, inside the engine's namespace
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/devsecops-reference/taskboard/hack/enginetest/offline"
)

// valuesPath is the values file a release bumps, relative to the repository.
const valuesPath = "helm/app/values.yaml"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		fs := flag.NewFlagSet("serve", flag.ExitOnError)
		state := fs.String("state", "", "state directory")
		gateway := fs.String("gateway", "", "address containers reach this namespace at")
		repo := fs.String("repo", "", "the repository")
		fs.Parse(os.Args[2:])
		if err := serve(*state, *gateway, *repo); err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		return
	}
	run := flag.String("run", "", "run only the scenarios whose name matches this regexp")
	repo := flag.String("repo", ".", "the repository checkout")
	cluster := flag.String("cluster", "", "a cluster target (JSON): run only the release into that cluster")
	bench := flag.Bool("bench", false, "measure the pipeline (make bench-pipeline) instead of testing it; run.sh empties the engine first")
	flag.Parse()
	root, err := filepath.Abs(*repo)
	list := scenarios
	if *bench {
		list = benchScenarios
	}
	if err == nil && *cluster != "" {
		var t *clusterTarget
		if t, err = readClusterTarget(*cluster); err == nil {
			list = []scenario{{"release into a Kubernetes cluster", func(e *env) error { return releaseIntoCluster(e, t) }}}
		}
	}
	if err == nil {
		err = runAll(root, *run, list)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "enginetest:", err)
		os.Exit(1)
	}
}

// env is what every scenario gets.
type env struct {
	repo    string       // a snapshot of the checkout, taken when the run started
	work    string       // scratch space for working copies and exports
	state   string       // the serve process's state directory (git-ca.pem, control.sock)
	public  string       // http://gateway:port of the serve process, as containers reach it
	sources []sourceFlag // the constructor flags that point the module at the served sources
	// flags start every call: the constructor's, then with-scan-policy for the served Trivy DB.
	flags   []string     // the same, as dagger call arguments
	control *http.Client // talks to the serve process over its unix socket
	// rekorURL and rekorKey are the serve process's transparency log, which the fork's policy
	// (withTrustedRegistry) requires.
	rekorURL string
	rekorKey []byte
	timings  []string // "what: duration", printed at the end
	figures  []figure // make bench-pipeline's, printed at the end beside their goals
}

func (e *env) timing(what string, d time.Duration) {
	e.timings = append(e.timings, fmt.Sprintf("%s %s", what, d.Round(100*time.Millisecond)))
}

func runAll(repo, only string, scenarios []scenario) error {
	filter, err := regexp.Compile(only)
	if err != nil {
		return err
	}
	gateway := os.Getenv("ENGINE_GATEWAY")
	if gateway == "" {
		return fmt.Errorf("set ENGINE_GATEWAY to the address containers reach the engine's network namespace at (make test-engine does it for the rig)")
	}
	if _, err := exec.LookPath("dagger"); err != nil {
		return fmt.Errorf("no dagger CLI in PATH: install v0.21.9, or eval \"$(../shared/dagger-rig/rig.sh env)\"")
	}
	start := time.Now()
	if err := prepare(repo); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	fmt.Printf("prepared the offline sources in %s\n", time.Since(start).Round(time.Second))

	work, err := os.MkdirTemp("", "enginetest-")
	if err != nil {
		return err
	}
	keep := false // a failed run keeps its working copies and exported reports for a look
	defer func() {
		if !keep {
			os.RemoveAll(work)
		}
	}()
	// The scenarios copy the repository as it is now: an edit during a long run (or a bench)
	// must not reach a later scenario's copy, where it would also make the engine reload the module.
	snapshot, err := workingCopy(repo, filepath.Join(work, "snapshot"))
	if err != nil {
		return fmt.Errorf("snapshot of %s: %w", repo, err)
	}
	state := filepath.Join(work, "state")
	if err := os.MkdirAll(state, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	argv := append(strings.Fields(os.Getenv("ENGINE_NETNS")), self, "serve", "-state", state, "-gateway", gateway, "-repo", repo)
	srv := exec.Command(argv[0], argv[1:]...)
	srv.Stderr = os.Stderr
	stdin, err := srv.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { stdin.Close(); srv.Wait() }()
	var info served
	if err := json.NewDecoder(bufio.NewReader(stdout)).Decode(&info); err != nil {
		return fmt.Errorf("serve did not start: %w", err)
	}
	public := fmt.Sprintf("http://%s:%d", gateway, info.Port)
	sock := filepath.Join(state, "control.sock")
	sources := sourceFlags(public, offline.KubeconformSchemaLocations(public+"/schemas"))
	e := &env{
		repo: snapshot, work: work, state: state, public: public, sources: sources, rekorURL: info.RekorURL, rekorKey: info.RekorKey, flags: append(cliArgs(sources), scanPolicy(public, trivyDBClean)...),
		control: &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}}},
	}
	fmt.Printf("serving at %s (containers), %s (here)\n", public, sock)

	passed, failed := 0, 0
	for _, s := range scenarios {
		if !filter.MatchString(s.name) {
			continue
		}
		t0 := time.Now()
		err := s.run(e)
		took := time.Since(t0).Round(100 * time.Millisecond)
		if err != nil {
			failed++
			fmt.Printf("FAIL %s (%s)\n%s\n", s.name, took, indent(err.Error()))
		} else {
			passed++
			fmt.Printf("PASS %s (%s)\n", s.name, took)
		}
	}
	if len(e.timings) > 0 {
		fmt.Printf("timings: %s\n", strings.Join(e.timings, "; "))
	}
	if len(e.figures) > 0 {
		printFigures(e.figures)
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		keep = true
		return fmt.Errorf("%d scenario(s) failed; working copies and reports are in %s", failed, work)
	}
	return nil
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
