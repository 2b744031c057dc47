package offline

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The module the scanned project requires, at a version every test advisory covers.
const (
	advisedModule  = "github.com/gobwas/glob"
	advisedVersion = "v0.2.3"
)

// trivy returns the path of the Trivy v0.74.0 the repository's tests use, building it once
// (scripts/tool-trivy.sh holds a lock while another build is running: this waits for it).
func trivy(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(repoRoot(t), "scripts", "tool-trivy.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/tool-trivy.sh: %v", err)
	}
	return strings.TrimSpace(string(out))
}

type trivyReport struct {
	Results []struct {
		Target          string
		Type            string
		Vulnerabilities []struct {
			VulnerabilityID, PkgName, InstalledVersion, FixedVersion, Severity, Title string
		}
	}
}

func TestTrivyDBArtifactHasTheLayoutTrivyPulls(t *testing.T) {
	dbDir := t.TempDir()
	if err := BuildTrivyDB(dbDir, nil); err != nil {
		t.Fatal(err)
	}
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	ref := strings.TrimPrefix(reg.URL, "http://") + "/trivy-db:" + TrivyDBTag
	if err := PushTrivyDB(dbDir, ref, true); err != nil {
		t.Fatal(err)
	}
	parsed, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(parsed)
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != "application/vnd.oci.image.manifest.v1+json" || string(m.Config.MediaType) != TrivyDBConfigMediaType ||
		len(m.Layers) != 1 || string(m.Layers[0].MediaType) != TrivyDBLayerMediaType ||
		m.Layers[0].Annotations["org.opencontainers.image.title"] != "db.tar.gz" {
		t.Fatalf("manifest %+v", m)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	names := tarNames(t, rc)
	if strings.Join(names, ",") != "trivy.db,metadata.json" {
		t.Fatalf("layer holds %v", names)
	}
	var meta struct {
		Version                             int
		NextUpdate, UpdatedAt, DownloadedAt string
	}
	data, err := os.ReadFile(filepath.Join(dbDir, "metadata.json"))
	if err != nil || json.Unmarshal(data, &meta) != nil || meta.Version != 2 || !strings.HasPrefix(meta.NextUpdate, "20") {
		t.Fatalf("metadata.json: %s (%v)", data, err)
	}
}

// TestTrivyScansWithTheBuiltDB runs the real Trivy against databases pushed to an in-process
// registry: no advisory gives no finding, one HIGH advisory gives exactly that finding.
func TestTrivyScansWithTheBuiltDB(t *testing.T) {
	bin := trivy(t)
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")

	project := t.TempDir()
	goMod := "module example.com/scanned\n\ngo 1.26\n\nrequire " + advisedModule + " " + advisedVersion + "\n"
	if err := os.WriteFile(filepath.Join(project, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "go.sum"), []byte(goSumLines(t, advisedModule, advisedVersion)), 0o644); err != nil {
		t.Fatal(err)
	}

	push := func(t *testing.T, repo string, advisories []GoAdvisory) string {
		dbDir := t.TempDir()
		if err := BuildTrivyDB(dbDir, advisories); err != nil {
			t.Fatal(err)
		}
		ref := host + "/" + repo + ":" + TrivyDBTag
		if err := PushTrivyDB(dbDir, ref, true); err != nil {
			t.Fatal(err)
		}
		return ref
	}
	scan := func(t *testing.T, cacheDir string, args ...string) (trivyReport, int) {
		t.Helper()
		full := append([]string{"fs", "--cache-dir", cacheDir, "--scanners", "vuln", "--format", "json", "--quiet"}, args...)
		cmd := exec.Command(bin, append(full, project)...)
		cmd.Env = offlineEnv()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		exit := 0
		if ee, ok := err.(*exec.ExitError); ok {
			exit = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		var r trivyReport
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("trivy %v exited %d: %v\nstdout: %s\nstderr: %s", args, exit, err, out, stderr.String())
		}
		return r, exit
	}
	findings := func(r trivyReport) []string {
		var out []string
		for _, res := range r.Results {
			for _, v := range res.Vulnerabilities {
				out = append(out, strings.Join([]string{v.VulnerabilityID, v.PkgName, v.InstalledVersion, v.FixedVersion, v.Severity, v.Title}, " "))
			}
		}
		return out
	}

	t.Run("no advisories", func(t *testing.T) {
		ref := push(t, "trivy-db", nil)
		r, exit := scan(t, t.TempDir(), append(TrivyArgs(ref), "--exit-code", "1", "--severity", "HIGH")...)
		if exit != 0 || len(findings(r)) != 0 {
			t.Fatalf("exit %d, findings %v", exit, findings(r))
		}
		var types []string
		for _, res := range r.Results {
			types = append(types, res.Type)
		}
		if !strings.Contains(strings.Join(types, ","), "gomod") {
			t.Errorf("go.mod was not scanned: %+v", r)
		}
	})

	t.Run("one HIGH advisory", func(t *testing.T) {
		ref := push(t, "trivy-db-high", []GoAdvisory{{
			Module:          advisedModule,
			VulnerableRange: "< 99.0.0",
			ID:              "CVE-2099-0001",
			Severity:        "HIGH",
			Title:           "test advisory",
			FixedVersion:    "99.0.0",
		}})
		want := "CVE-2099-0001 " + advisedModule + " " + advisedVersion + " 99.0.0 HIGH test advisory"
		cache := t.TempDir()
		r, exit := scan(t, cache, TrivyArgs(ref)...)
		if got := findings(r); exit != 0 || len(got) != 1 || got[0] != want {
			t.Fatalf("exit %d, findings %q, want [%q]", exit, got, want)
		}
		// The gate the pipeline uses.
		if _, exit := scan(t, cache, append(TrivyArgs(ref), "--exit-code", "1", "--severity", "HIGH")...); exit != 1 {
			t.Errorf("--exit-code 1 --severity HIGH: exit %d, want 1", exit)
		}
		if _, exit := scan(t, cache, append(TrivyArgs(ref), "--exit-code", "1", "--severity", "CRITICAL")...); exit != 0 {
			t.Errorf("--exit-code 1 --severity CRITICAL: exit %d, want 0", exit)
		}
	})

	t.Run("--skip-db-update over a copied database", func(t *testing.T) {
		dbDir := t.TempDir()
		if err := BuildTrivyDB(dbDir, []GoAdvisory{{Module: advisedModule, VulnerableRange: "< 99.0.0", ID: "CVE-2099-0002", Severity: "CRITICAL"}}); err != nil {
			t.Fatal(err)
		}
		cache := t.TempDir()
		if err := os.MkdirAll(filepath.Join(cache, "db"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range trivyDBFiles(dbDir) {
			data, err := os.ReadFile(filepath.Join(dbDir, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(cache, "db", f), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// An unreachable repository: the database must not be downloaded.
		r, exit := scan(t, cache, append(TrivyArgs("127.0.0.1:9/none:2"), "--skip-db-update")...)
		if got := findings(r); exit != 0 || len(got) != 1 || !strings.HasPrefix(got[0], "CVE-2099-0002 ") || !strings.Contains(got[0], " CRITICAL") {
			t.Fatalf("exit %d, findings %q", exit, got)
		}
	})

	t.Run("trivy image --input", func(t *testing.T) {
		ref := push(t, "trivy-db-image", nil)
		img, err := random.Image(512, 1)
		if err != nil {
			t.Fatal(err)
		}
		imageTar := filepath.Join(t.TempDir(), "image.tar")
		if err := tarball.WriteToFile(imageTar, name.MustParseReference("example.com/scanned:1"), img); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"image", "--input", imageTar, "--cache-dir", t.TempDir(), "--scanners", "vuln", "--format", "json", "--quiet",
			"--exit-code", "1", "--severity", "HIGH,CRITICAL"}, TrivyArgs(ref)...)
		cmd := exec.Command(bin, args...)
		cmd.Env = offlineEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("trivy image --input: %v\n%s", err, out)
		}
	})
}

// goSumLines are the go.sum lines of one module version, taken from the repository's go.sum.
func goSumLines(t *testing.T, module, version string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 3 && fields[0] == module && strings.TrimSuffix(fields[1], "/go.mod") == version {
			out.WriteString(sc.Text() + "\n")
		}
	}
	if out.Len() == 0 {
		t.Fatalf("go.sum has no %s %s", module, version)
	}
	return out.String()
}

func tarNames(t *testing.T, r io.Reader) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}
