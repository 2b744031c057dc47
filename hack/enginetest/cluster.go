package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clusterTarget is what hack/cluster's TestDaggerReleaseOnCluster (make test-cluster-release)
// asks of the engine: one release of its fork into its cluster, as a fork's main pipeline runs it.
// Every address is the one the cluster's pods use; this process makes the engine's namespace
// reach each at the same address, so the release records exactly what the cluster reads.
type clusterTarget struct {
	PID        int    `json:"pid"`        // a process in the cluster's network namespace
	Address    string `json:"address"`    // the node address the services below listen on there
	Registry   string `json:"registry"`   // host:port of the cluster's registry (TLS), on Address
	RegistryCA string `json:"registryCA"` // the CA of that registry's certificate
	Ports      []int  `json:"ports"`      // other ports on Address the release reaches (git, log)
	// Files replace the repository's own before the release: the fork's values, as the GitOps
	// repository holds them (the policies trust its key and registry; the chart pulls from it).
	Files          map[string]string `json:"files"`
	CosignKey      string            `json:"cosignKey"` // the fork's Cosign key file
	CosignPassword string            `json:"cosignPassword"`
	GitURL         string            `json:"gitUrl"` // the GitOps repository, HTTPS
	GitCA          string            `json:"gitCA"`
	GitToken       string            `json:"gitToken"`
	Out            string            `json:"out"` // where the release's reports are exported
}

func readClusterTarget(path string) (*clusterTarget, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t clusterTarget
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for what, missing := range map[string]bool{"pid": t.PID <= 0, "address": t.Address == "", "registry": t.Registry == "",
		"registryCA": t.RegistryCA == "", "cosignKey": t.CosignKey == "", "gitUrl": t.GitURL == "", "out": t.Out == ""} {
		if missing {
			return nil, fmt.Errorf("%s: no %s", path, what)
		}
	}
	return &t, nil
}

// releaseIntoCluster bridges the engine's namespace to the cluster's, then runs the fork's release:
// pushed to the cluster's registry, signed with the fork's key, recorded in the log its policy
// names, the values committed to its GitOps repository.
func releaseIntoCluster(e *env, t *clusterTarget) error {
	stop, err := bridgeToCluster(t)
	defer stop()
	if err != nil {
		return err
	}
	dir, err := e.copyOf("cluster")
	if err != nil {
		return err
	}
	for name, text := range t.Files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	if err := commitAll(dir, "fork: our registry, key and log"); err != nil {
		return err
	}
	sha, err := headSHA(dir)
	if err != nil {
		return err
	}
	with := []string{
		"with-registry", "--address", "http://" + t.Registry, "--username", "taskboard", "--password", "env://CLUSTER_REGISTRY_PASSWORD",
		"with-cosign-key", "--key", "file://" + t.CosignKey,
	}
	secrets := []string{"CLUSTER_REGISTRY_PASSWORD=unused", "CLUSTER_GIT_TOKEN=" + t.GitToken}
	if t.CosignPassword != "" {
		with = append(with, "--password", "env://CLUSTER_COSIGN_PASSWORD")
		secrets = append(secrets, "CLUSTER_COSIGN_PASSWORD="+t.CosignPassword)
	}
	with = append(with, "with-git-ops", "--repo-url", t.GitURL, "--token", "env://CLUSTER_GIT_TOKEN", "--ca-certificate", t.GitCA)
	m, c, err := e.release(dir, t.Out, secrets, with, "--git-sha", sha, "--git-push")
	if err != nil {
		return err
	}
	e.timing("release into the cluster", c.took)
	if m.ValuesCommit == "" || len(m.Images) != 2 {
		return fmt.Errorf("release.json: images %v, values commit %q: want both images and a commit", m.Images, m.ValuesCommit)
	}
	fmt.Printf("released %v, values commit %s\n", m.Images, m.ValuesCommit)
	return nil
}

// bridgeToCluster gives the engine's namespace the cluster's node address (on its loopback) and a
// forwarder per port into the cluster's namespace (hack/cluster/cmd/nsfwd): plain HTTP to the
// registry becomes TLS to it, as the engine pushes over HTTP (hack/airgap/buildkitd.toml). The
// host's network is untouched; stop removes the address and the forwarders.
func bridgeToCluster(t *clusterTarget) (stop func(), err error) {
	netns := strings.Fields(os.Getenv("ENGINE_NETNS"))
	var procs []*exec.Cmd
	stop = func() {
		for _, p := range procs {
			p.Process.Kill()
			p.Wait()
		}
		if len(netns) > 0 {
			exec.Command(netns[0], append(netns[1:], "ip", "addr", "del", t.Address+"/32", "dev", "lo")...).Run()
		}
	}
	if len(netns) == 0 {
		return stop, fmt.Errorf("ENGINE_NETNS is unset: the release into the cluster needs the engine's network namespace (run.sh finds the rig's)")
	}
	nsfwd, err := exec.LookPath("nsfwd")
	if err != nil {
		return stop, fmt.Errorf("no nsfwd in PATH: eval \"$(hack/cluster/cluster.sh env)\" puts hack/cluster's in it")
	}
	addr := append(netns, "ip", "addr", "add", t.Address+"/32", "dev", "lo")
	if out, err := exec.Command(addr[0], addr[1:]...).CombinedOutput(); err != nil && !strings.Contains(string(out), "File exists") {
		return stop, fmt.Errorf("%s: %v: %s", strings.Join(addr, " "), err, out)
	}
	forwards := [][]string{{"-listen", t.Registry, "-to", t.Registry, "-tls-ca", t.RegistryCA}}
	for _, p := range t.Ports {
		a := net.JoinHostPort(t.Address, strconv.Itoa(p))
		forwards = append(forwards, []string{"-listen", a, "-to", a})
	}
	for _, f := range forwards {
		argv := append(append(append([]string{}, netns...), nsfwd, "-pid", strconv.Itoa(t.PID)), f...)
		cmd := exec.Command(argv[0], argv[1:]...)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			return stop, err
		}
		if err := cmd.Start(); err != nil {
			return stop, err
		}
		procs = append(procs, cmd)
		if err := awaitListening(stderr, 10*time.Second); err != nil {
			return stop, fmt.Errorf("nsfwd %s: %w", strings.Join(f, " "), err)
		}
	}
	return stop, nil
}

// awaitListening reads nsfwd's log until it says it forwards (it listens first), or fails.
func awaitListening(stderr io.Reader, limit time.Duration) error {
	got := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var lines []string
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if strings.Contains(sc.Text(), " -> ") {
				got <- nil
				io.Copy(io.Discard, stderr) // keep draining: a full pipe would block the forwarder
				return
			}
		}
		got <- fmt.Errorf("exited: %s", strings.Join(lines, "; "))
	}()
	select {
	case err := <-got:
		return err
	case <-time.After(limit):
		return fmt.Errorf("not listening after %s", limit)
	}
}
