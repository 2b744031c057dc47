package offline

import (
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNpmRegistryInstallsTheFrontend runs the real npm against the registry made from the
// frontend's lockfile: `npm ci` of the frontend, with an empty npm cache, no user config and a
// dead proxy, so every byte comes from the handler. The frontend installs with the npm its Node
// image bundles, so the registry serves nothing but the lockfile.
func TestNpmRegistryInstallsTheFrontend(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Fatal("this test runs the real npm: put Node 24 on PATH (bash scripts/tool-node.sh prints its bin directory; see the README's prerequisites)")
	}
	root := repoRoot(t)
	cache := cacheSubdir(t, NpmCacheSubdir)
	lockfile := filepath.Join(root, "frontend", "package-lock.json")
	if err := PrepareNpm(cache, []string{lockfile}, nil); err != nil {
		t.Fatal(err)
	}

	var log requestLog
	base := serve(t, func(base string) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/npm/", log.wrap(http.StripPrefix("/npm", Npm(cache, base+"/npm"))))
		return mux
	})
	registry := base + "/npm/"
	npmEnv := func(t *testing.T) []string {
		home := t.TempDir()
		userconfig := filepath.Join(home, "npmrc")
		if err := os.WriteFile(userconfig, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		return offlineEnv(
			"npm_config_registry="+registry,
			"npm_config_cache="+filepath.Join(home, "npm-cache"),
			"npm_config_userconfig="+userconfig,
			"npm_config_update_notifier=false",
			"npm_config_audit=false",
			"npm_config_fund=false",
		)
	}

	npmCI := func(t *testing.T, lock []byte) (packuments, tarballs int) {
		dir := t.TempDir()
		pkgJSON, err := os.ReadFile(filepath.Join(root, "frontend", "package.json"))
		if err != nil {
			t.Fatal(err)
		}
		for f, data := range map[string][]byte{"package.json": pkgJSON, "package-lock.json": lock} {
			if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := log.snapshot()
		run(t, dir, npmEnv(t), "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--registry", registry)
		for _, pkg := range []string{"react", "vite", "typescript", "@vitejs/plugin-react"} {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
				t.Errorf("%s not installed: %v", pkg, err)
			}
		}
		all, failed := log.snapshot()
		if len(failed) > 0 {
			t.Errorf("requests that failed: %s", strings.Join(failed, "\n"))
		}
		for _, line := range all[len(before):] {
			if strings.HasSuffix(line, ".tgz") {
				tarballs++
			} else {
				packuments++
			}
		}
		t.Logf("npm ci asked for %d packuments and %d tarballs", packuments, tarballs)
		return packuments, tarballs
	}

	lock, err := os.ReadFile(lockfile)
	if err != nil {
		t.Fatal(err)
	}
	// The frontend's lockfile has no "resolved" (npm leaves it out for the default registry):
	// npm resolves name@version through the packument, then fetches dist.tarball.
	t.Run("npm ci", func(t *testing.T) {
		if packuments, tarballs := npmCI(t, lock); packuments == 0 || tarballs == 0 {
			t.Errorf("want packuments and tarballs fetched")
		}
	})
	// A lockfile that names registry.npmjs.org tarballs: npm's replace-registry-host (default
	// "npmjs") rewrites them to the configured registry and fetches the tarballs directly.
	t.Run("npm ci, resolved at registry.npmjs.org", func(t *testing.T) {
		if packuments, tarballs := npmCI(t, withResolved(t, lock)); packuments != 0 || tarballs == 0 {
			t.Errorf("want only tarballs fetched")
		}
	})
}

// TestNpmServesScopedPackumentsBothWays checks the two spellings of a scoped name and the
// tarball URL a packument points at.
func TestNpmServesScopedPackumentsBothWays(t *testing.T) {
	cache := cacheSubdir(t, NpmCacheSubdir)
	if _, err := os.Stat(filepath.Join(cache, npmIndexFile)); err != nil {
		if err := PrepareNpm(cache, []string{filepath.Join(repoRoot(t), "frontend", "package-lock.json")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	base := serve(t, func(base string) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/npm/", http.StripPrefix("/npm", Npm(cache, base+"/npm")))
		return mux
	})
	for _, p := range []string{"/npm/@types%2fnode", "/npm/@types/node"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Name     string
			DistTags map[string]string `json:"dist-tags"`
			Versions map[string]struct {
				Dist struct{ Tarball, Integrity, Shasum string }
			}
		}
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || doc.Name != "@types/node" {
			t.Fatalf("GET %s: %s %v %+v", p, resp.Status, err, doc)
		}
		latest := doc.DistTags["latest"]
		dist := doc.Versions[latest].Dist
		want := base + "/npm/@types/node/-/node-" + latest + ".tgz"
		if dist.Tarball != want || !strings.HasPrefix(dist.Integrity, "sha512-") || len(dist.Shasum) != 40 {
			t.Fatalf("GET %s: dist %+v, want tarball %s", p, dist, want)
		}
		tgz, err := http.Get(dist.Tarball)
		if err != nil {
			t.Fatal(err)
		}
		tgz.Body.Close()
		if tgz.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", dist.Tarball, tgz.Status)
		}
	}
	resp, err := http.Get(base + "/npm/no-such-package-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown package: %s, want 404", resp.Status)
	}
}

// withResolved adds the registry.npmjs.org tarball URL to every package of a lockfile.
func withResolved(t *testing.T, lock []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(lock, &doc); err != nil {
		t.Fatal(err)
	}
	for key, p := range doc["packages"].(map[string]any) {
		pkg := p.(map[string]any)
		i := strings.LastIndex(key, "node_modules/")
		if i < 0 || pkg["inBundle"] == true || pkg["link"] == true {
			continue
		}
		name, _ := pkg["name"].(string)
		if name == "" {
			name = key[i+len("node_modules/"):]
		}
		pkg["resolved"] = UpstreamNpmRegistry + "/" + npmTarballPath(name, pkg["version"].(string))
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNpmHelpers(t *testing.T) {
	data := []byte("tarball")

	good := "sha512-" + sri(t, "sha512", data)
	if err := verifyIntegrity(data, good); err != nil {
		t.Error(err)
	}
	if err := verifyIntegrity(data, good+" sha1-"+sri(t, "sha1", data)); err != nil {
		t.Error(err)
	}
	if err := verifyIntegrity([]byte("other"), good); err == nil {
		t.Error("a wrong tarball verified")
	}
	if err := verifyIntegrity(data, "md5-abc"); err == nil {
		t.Error("no supported hash verified")
	}
	if got := npmTarballPath("@types/node", "20.1.0"); got != "@types/node/-/node-20.1.0.tgz" {
		t.Errorf("npmTarballPath = %s", got)
	}
	if got := npmEscapeName("@types/node"); got != "@types%2Fnode" {
		t.Errorf("npmEscapeName = %s", got)
	}
	if got := latestVersion(map[string]npmEntry{"1.2.0": {}, "1.10.0": {}, "2.0.0-rc.1": {}}); got != "1.10.0" {
		t.Errorf("latestVersion = %s", got)
	}
}

func sri(t *testing.T, algo string, data []byte) string {
	t.Helper()
	var sum []byte
	switch algo {
	case "sha512":
		s := sha512.Sum512(data)
		sum = s[:]
	case "sha1":
		s := sha1.Sum(data)
		sum = s[:]
	}
	return base64.StdEncoding.EncodeToString(sum)
}
