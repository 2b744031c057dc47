// Package trivytest runs the real Trivy v0.74 in tests, offline: the binary of
// scripts/tool-trivy.sh, the tiny vulnerability database committed in
// ci/trivyreport/testdata/trivydb, and an image holding a Go binary (Trivy reports its "stdlib"
// package, which the database's advisories cover) in a registry the test starts. Shared by the
// tests of trivyreport, vex and vulnattest so that they all scan the same way the release does.
package trivytest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The committed database's advisories (testdata/gen/trivydb/main.go), all against "stdlib".
const (
	FixedHigh        = "CVE-2099-1001" // HIGH, fixed in 99.0.0: Status "fixed"
	UnfixedCritical  = "CVE-2099-1002" // CRITICAL, no fix: Status "affected"
	UnfixedMedium    = "CVE-2099-1003" // MEDIUM, no fix
	ScannedRepo      = "taskboard-backend"
	scannedGoProgram = "package main\n\nfunc main() {}\n"
)

// ciDir is the ci/ module root, found from this source file so that any package's test can call in.
func ciDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Binary returns the path of the pinned Trivy, building it once with scripts/tool-trivy.sh.
func Binary(t testing.TB) string {
	t.Helper()
	script := filepath.Join(ciDir(), "..", "scripts", "tool-trivy.sh")
	cmd := exec.Command("bash", script)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the real Trivy is needed: run scripts/tool-trivy.sh (%v)", err)
	}
	return strings.TrimSpace(string(out))
}

// CacheDir returns a fresh Trivy cache directory holding a copy of the committed database, for
// --cache-dir with --skip-db-update (Trivy opens the database for writing: never the original).
func CacheDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(ciDir(), "trivyreport", "testdata", "trivydb", "db")
	for _, f := range []string{"trivy.db", "metadata.json"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatalf("%v: regenerate with ci/trivyreport/testdata/gen/trivydb (go run . ../../trivydb/db)", err)
		}
		if err := os.MkdirAll(filepath.Join(dir, "db"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "db", f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Registry starts an in-process OCI registry for the test and returns its host:port.
func Registry(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// PushGoImage builds an empty Go program, puts it at /app/server in a linux/amd64 image, pushes
// it to host/ScannedRepo and returns the by-digest reference.
func PushGoImage(t testing.TB, host string) string {
	t.Helper()
	work := t.TempDir()
	for name, body := range map[string]string{"go.mod": "module example.com/server\n\ngo 1.26\n", "main.go": scannedGoProgram} {
		if err := os.WriteFile(filepath.Join(work, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-o", "server", ".")
	build.Dir = work
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(filepath.Join(work, "server"))
	if err != nil {
		t.Fatal(err)
	}
	var layerTar bytes.Buffer
	tw := tar.NewWriter(&layerTar)
	for _, h := range []*tar.Header{
		{Name: "app/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "app/server", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(bin))},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tw.Write(bin); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar.Bytes())), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{OS: "linux", Architecture: "amd64",
		RootFS: v1.RootFS{Type: "layers", DiffIDs: mustDiffIDs(t, layer)}})
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(host+"/"+ScannedRepo+":test", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return host + "/" + ScannedRepo + "@" + d.String()
}

func mustDiffIDs(t testing.TB, l v1.Layer) []v1.Hash {
	t.Helper()
	h, err := l.DiffID()
	if err != nil {
		t.Fatal(err)
	}
	return []v1.Hash{h}
}

// Artifact is a single-layer OCI artifact as Trivy downloads its DB and checks bundle
// (pkg/oci): the layer a tar.gz of Files, titled Title, of media type LayerType.
type Artifact struct {
	ConfigType, LayerType, Title string
	Files                        map[string][]byte
}

// PushArtifact pushes a to host/repo:tag and returns its reference by digest.
func PushArtifact(t testing.TB, host, repo, tag string, a Artifact) string {
	t.Helper()
	var archive bytes.Buffer
	zw := gzip.NewWriter(&archive)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(a.Files))
	for n := range a.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(a.Files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(a.Files[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	layer := static.NewLayer(archive.Bytes(), types.MediaType(a.LayerType))
	img, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1),
		mutate.Addendum{Layer: layer, Annotations: map[string]string{"org.opencontainers.image.title": a.Title}})
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.ConfigMediaType(img, types.MediaType(a.ConfigType))
	ref, err := name.NewTag(host+"/"+repo+":"+tag, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return host + "/" + repo + "@" + d.String()
}

// TrivyDB is the committed test DB as trivy-db publishes it, for PushArtifact.
func TrivyDB(t testing.TB) Artifact {
	t.Helper()
	files := map[string][]byte{}
	for _, f := range []string{"trivy.db", "metadata.json"} {
		data, err := os.ReadFile(filepath.Join(ciDir(), "trivyreport", "testdata", "trivydb", "db", f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = data
	}
	return Artifact{ConfigType: "application/vnd.aquasec.trivy.config.v1+json",
		LayerType: "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip", Title: "db.tar.gz", Files: files}
}

// ChecksBundle is a trivy-checks bundle as its releases publish it, for PushArtifact: files by
// their path in the bundle, e.g. policies/kubernetes/policies/x.rego.
func ChecksBundle(files map[string][]byte) Artifact {
	return Artifact{ConfigType: "application/vnd.cncf.openpolicyagent.config.v1+json",
		LayerType: "application/vnd.cncf.openpolicyagent.layer.v1.tar+gzip", Title: "bundle.tar.gz", Files: files}
}

// Tarball writes the image at ref to a docker-archive tarball, as the release hands a built image
// to Trivy before anything is pushed (trivy image --input), and returns its path.
func Tarball(t testing.TB, ref string) string {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(r)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "image.tar")
	if err := tarball.WriteToFile(path, r, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// ScanTarball scans an image tarball for vulnerabilities, plus extra flags, and returns the JSON.
func ScanTarball(t testing.TB, bin, cacheDir, path string, extra ...string) []byte {
	t.Helper()
	args := append([]string{"image", "--input", path, "--scanners", "vuln", "--format", "json"}, Offline(cacheDir)...)
	return Run(t, bin, t.TempDir(), append(args, extra...)...)
}

// Offline are the flags that keep Trivy on the copied database and off the network.
func Offline(cacheDir string) []string {
	return []string{"--cache-dir", cacheDir, "--skip-db-update", "--skip-java-db-update",
		"--skip-check-update", "--skip-version-check", "--disable-telemetry", "--quiet"}
}

// Run runs Trivy with args in dir and returns its standard output; a failure ends the test.
func Run(t testing.TB, bin, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	// No registry credentials or Docker daemon of the machine's user.
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "DOCKER_HOST=unix:///nonexistent")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("trivy %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// RunArgv runs an argv the module builds (argv[0] is "trivy", as in the Trivy image) with the
// pinned binary in dir and returns Trivy's log (its standard error); a failure ends the test.
func RunArgv(t testing.TB, bin, dir string, argv []string) string {
	t.Helper()
	if len(argv) == 0 || argv[0] != "trivy" {
		t.Fatalf("not a trivy command: %q", argv)
	}
	cmd := exec.Command(bin, argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "DOCKER_HOST=unix:///nonexistent")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	return stderr.String()
}

// RunScript runs a shell script the module builds (sh -euc, as its containers do) with the pinned
// binary first on PATH as "trivy" and env added, and returns its output and error.
func RunScript(t testing.TB, bin, script string, env ...string) (string, error) {
	t.Helper()
	path := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(path, "trivy")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-euc", script)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "DOCKER_HOST=unix:///nonexistent",
		"PATH="+path+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// ScanImage scans the image at ref (pushed by PushGoImage) for vulnerabilities, plus extra flags,
// and returns the JSON report.
func ScanImage(t testing.TB, bin, cacheDir, ref string, extra ...string) []byte {
	t.Helper()
	args := append([]string{"image", "--image-src", "remote", "--insecure", "--scanners", "vuln", "--format", "json"}, Offline(cacheDir)...)
	args = append(append(args, extra...), ref)
	return Run(t, bin, t.TempDir(), args...)
}
