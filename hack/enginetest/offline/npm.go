package offline

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// UpstreamNpmRegistry is where PrepareNpm downloads from when a lockfile entry has no
// "resolved" URL (npm omits it for the default registry) and where it resolves extra packages.
const UpstreamNpmRegistry = "https://registry.npmjs.org"

// npmIndexFile lists what a prepared npm cache directory holds; the Npm handler reads it.
const npmIndexFile = "index.json"

// npmIndex maps package name, then version, to one prepared tarball.
type npmIndex map[string]map[string]npmEntry

type npmEntry struct {
	File      string          `json:"file"`      // tarball, relative to the cache dir
	Integrity string          `json:"integrity"` // sha512 SRI of the tarball
	Shasum    string          `json:"shasum"`    // sha1 hex of the tarball (dist.shasum)
	Manifest  json.RawMessage `json:"manifest"`  // package.json of the tarball, for the packument
}

// npmWant is one tarball to prepare.
type npmWant struct {
	name, version, url, integrity string
}

// PrepareNpm downloads into cacheDir every tarball the package-lock.json files install, and the
// extra packages given as "name@version" (e.g. "npm@11.19.1", for a stage that runs `npm install --global`),
// verifying each against the lockfile's integrity (or the registry's, for extras). It writes
// the index the Npm handler serves from. Tarballs already in cacheDir are verified, not fetched.
func PrepareNpm(cacheDir string, lockfiles []string, extra []string) error {
	ctx := context.Background()
	client := &http.Client{Timeout: 5 * time.Minute}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	wants := map[string]npmWant{} // name@version
	for _, lf := range lockfiles {
		entries, err := readLockfile(lf)
		if err != nil {
			return err
		}
		for _, w := range entries {
			wants[w.name+"@"+w.version] = w
		}
	}
	for _, spec := range extra {
		w, err := resolveNpmSpec(ctx, client, spec)
		if err != nil {
			return err
		}
		wants[w.name+"@"+w.version] = w
	}

	keys := make([]string, 0, len(wants))
	for k := range wants {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var (
		mu    sync.Mutex
		index = npmIndex{}
		errs  []error
		jobs  = make(chan npmWant)
		wg    sync.WaitGroup
	)
	for range 4 { // a few downloads at a time: the registry is fast, the machine is shared
		wg.Go(func() {
			for w := range jobs {
				e, err := prepareTarball(ctx, client, cacheDir, w)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					if index[w.name] == nil {
						index[w.name] = map[string]npmEntry{}
					}
					index[w.name][w.version] = e
				}
				mu.Unlock()
			}
		})
	}
	for _, k := range keys {
		jobs <- wants[k]
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	data, err := json.Marshal(index)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(cacheDir, npmIndexFile), data)
}

// readLockfile lists the registry tarballs of a lockfileVersion 2 or 3 package-lock.json.
func readLockfile(file string) ([]npmWant, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var lock struct {
		LockfileVersion int `json:"lockfileVersion"`
		Packages        map[string]struct {
			Name      string `json:"name"`
			Version   string `json:"version"`
			Resolved  string `json:"resolved"`
			Integrity string `json:"integrity"`
			Link      bool   `json:"link"`
			InBundle  bool   `json:"inBundle"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if lock.LockfileVersion < 2 || lock.Packages == nil {
		return nil, fmt.Errorf("%s: lockfileVersion %d has no \"packages\"; npm 7+ writes version 2 or 3", file, lock.LockfileVersion)
	}
	var out []npmWant
	for key, p := range lock.Packages {
		i := strings.LastIndex(key, "node_modules/")
		if i < 0 || p.Link || p.InBundle {
			continue // the root, workspace sources, links, and packages inside their parent's tarball
		}
		name := p.Name // set for aliases (npm:real@version)
		if name == "" {
			name = key[i+len("node_modules/"):]
		}
		if p.Version == "" || p.Integrity == "" {
			return nil, fmt.Errorf("%s: %s has no version or integrity", file, key)
		}
		u := p.Resolved
		if u == "" {
			u = UpstreamNpmRegistry + "/" + npmTarballPath(name, p.Version)
		} else if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
			return nil, fmt.Errorf("%s: %s resolves to %q, not a registry tarball", file, key, u)
		}
		out = append(out, npmWant{name: name, version: p.Version, url: u, integrity: p.Integrity})
	}
	return out, nil
}

// resolveNpmSpec finds the tarball and integrity of name@version in the upstream registry.
func resolveNpmSpec(ctx context.Context, client *http.Client, spec string) (npmWant, error) {
	at := strings.LastIndex(spec, "@")
	if at <= 0 || at == len(spec)-1 {
		return npmWant{}, fmt.Errorf("extra npm package %q: want name@version", spec)
	}
	name, version := spec[:at], spec[at+1:]
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, UpstreamNpmRegistry+"/"+npmEscapeName(name), nil)
	if err != nil {
		return npmWant{}, err
	}
	// The abbreviated packument: versions with their dist, without readmes.
	req.Header.Set("Accept", "application/vnd.npm.install-v1+json")
	resp, err := client.Do(req)
	if err != nil {
		return npmWant{}, fmt.Errorf("packument of %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return npmWant{}, fmt.Errorf("packument of %s: %s", name, resp.Status)
	}
	var doc struct {
		Versions map[string]struct {
			Dist struct {
				Tarball   string `json:"tarball"`
				Integrity string `json:"integrity"`
				Shasum    string `json:"shasum"`
			} `json:"dist"`
		} `json:"versions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return npmWant{}, fmt.Errorf("packument of %s: %w", name, err)
	}
	v, ok := doc.Versions[version]
	if !ok {
		return npmWant{}, fmt.Errorf("%s has no version %s in %s", name, version, UpstreamNpmRegistry)
	}
	integrity := v.Dist.Integrity
	if integrity == "" && v.Dist.Shasum != "" {
		sum, err := hex.DecodeString(v.Dist.Shasum)
		if err != nil {
			return npmWant{}, fmt.Errorf("%s: bad shasum: %w", spec, err)
		}
		integrity = "sha1-" + base64.StdEncoding.EncodeToString(sum)
	}
	if v.Dist.Tarball == "" || integrity == "" {
		return npmWant{}, fmt.Errorf("%s: the registry gives no tarball or integrity", spec)
	}
	return npmWant{name: name, version: version, url: v.Dist.Tarball, integrity: integrity}, nil
}

// prepareTarball makes sure the verified tarball of w is in cacheDir and describes it.
func prepareTarball(ctx context.Context, client *http.Client, cacheDir string, w npmWant) (npmEntry, error) {
	rel := filepath.Join("tarballs", filepath.FromSlash(npmTarballPath(w.name, w.version)))
	file := filepath.Join(cacheDir, rel)
	data, err := os.ReadFile(file)
	if err != nil || verifyIntegrity(data, w.integrity) != nil {
		if data, err = downloadTarball(ctx, client, w.url); err != nil {
			return npmEntry{}, fmt.Errorf("%s@%s: %w", w.name, w.version, err)
		}
		if err := verifyIntegrity(data, w.integrity); err != nil {
			return npmEntry{}, fmt.Errorf("%s@%s from %s: %w", w.name, w.version, w.url, err)
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return npmEntry{}, err
		}
		if err := writeFileAtomic(file, data); err != nil {
			return npmEntry{}, err
		}
	}
	manifest, err := tarballManifest(data, w.name, w.version)
	if err != nil {
		return npmEntry{}, fmt.Errorf("%s@%s: %w", w.name, w.version, err)
	}
	s512 := sha512.Sum512(data)
	s1 := sha1.Sum(data)
	return npmEntry{
		File:      filepath.ToSlash(rel),
		Integrity: "sha512-" + base64.StdEncoding.EncodeToString(s512[:]),
		Shasum:    hex.EncodeToString(s1[:]),
		Manifest:  manifest,
	}, nil
}

func downloadTarball(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	var lastErr error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * time.Second)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			lastErr = fmt.Errorf("GET %s: %s", u, resp.Status)
			if resp.StatusCode < 500 {
				break
			}
			continue
		}
		if err != nil {
			lastErr = err
			continue
		}
		return data, nil
	}
	return nil, lastErr
}

// verifyIntegrity checks data against a Subresource Integrity string ("sha512-<base64> ..."):
// every hash of a supported algorithm must match, and there must be at least one.
func verifyIntegrity(data []byte, integrity string) error {
	checked := 0
	for _, tok := range strings.Fields(integrity) {
		algo, want, ok := strings.Cut(tok, "-")
		if !ok {
			continue
		}
		want, _, _ = strings.Cut(want, "?") // SRI options
		var h hash.Hash
		switch algo {
		case "sha512":
			h = sha512.New()
		case "sha384":
			h = sha512.New384()
		case "sha256":
			h = sha256.New()
		case "sha1":
			h = sha1.New()
		default:
			continue
		}
		h.Write(data)
		if got := base64.StdEncoding.EncodeToString(h.Sum(nil)); got != want {
			return fmt.Errorf("integrity mismatch: %s-%s, want %s", algo, got, tok)
		}
		checked++
	}
	if checked == 0 {
		return fmt.Errorf("no supported hash in integrity %q", integrity)
	}
	return nil
}

// tarballManifest returns the package.json of an npm tarball as a registry publishes it in a
// packument: without the readme, with name and version as locked, and _hasShrinkwrap set.
func tarballManifest(tgz []byte, name, version string) (json.RawMessage, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	var pkg map[string]any
	shrinkwrap := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		// Entries are "<top>/..." where top is nearly always "package".
		_, rest, ok := strings.Cut(strings.TrimPrefix(h.Name, "./"), "/")
		if !ok {
			continue
		}
		switch rest {
		case "package.json":
			if pkg != nil {
				continue
			}
			if err := json.NewDecoder(tr).Decode(&pkg); err != nil {
				return nil, fmt.Errorf("package.json: %w", err)
			}
		case "npm-shrinkwrap.json":
			shrinkwrap = true
		}
	}
	if pkg == nil {
		return nil, fmt.Errorf("no package.json in the tarball")
	}
	for _, k := range []string{"readme", "readmeFilename"} {
		delete(pkg, k)
	}
	pkg["name"] = name
	pkg["version"] = version
	pkg["_id"] = name + "@" + version
	pkg["_hasShrinkwrap"] = shrinkwrap
	return json.Marshal(pkg)
}

// npmTarballPath is the registry path of a tarball: "<name>/-/<basename>-<version>.tgz", where
// the basename drops the scope ("@types/node" → "@types/node/-/node-20.1.0.tgz").
func npmTarballPath(name, version string) string {
	return name + "/-/" + path.Base(name) + "-" + version + ".tgz"
}

// npmEscapeName is a package name as a registry URL path segment ("@scope%2fname").
func npmEscapeName(name string) string {
	return strings.Replace(url.PathEscape(name), "%40", "@", 1)
}

func writeFileAtomic(file string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tmp-"+filepath.Base(file)+"-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), file)
}
