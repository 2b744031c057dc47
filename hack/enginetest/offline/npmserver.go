package offline

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

// Npm serves a directory prepared by PrepareNpm as an npm registry mounted at publicURL, the URL
// clients reach it at (e.g. "http://10.0.0.1:8080/npm"): packuments at /<name>, /@scope%2fname
// and /@scope/name, version documents at /<name>/<version>, and tarballs at the registry's own
// paths, /<name>/-/<basename>-<version>.tgz. Packuments list only the prepared versions, with
// dist.tarball under publicURL, so a lockfile whose "resolved" is missing or points at
// registry.npmjs.org (npm's replace-registry-host rewrites that host to the configured registry)
// installs from here alone. Clients use `--registry <publicURL>/`.
//
// The index is read once, here: prepare first. A cache that cannot be read answers 500.
func Npm(cacheDir string, publicURL string) http.Handler {
	s := &npmServer{dir: cacheDir, base: strings.TrimSuffix(publicURL, "/"), byPath: map[string]string{}}
	st, err := os.Stat(filepath.Join(cacheDir, npmIndexFile))
	if err == nil {
		s.modified = st.ModTime().UTC()
		var data []byte
		if data, err = os.ReadFile(filepath.Join(cacheDir, npmIndexFile)); err == nil {
			err = json.Unmarshal(data, &s.index)
		}
	}
	if err != nil {
		s.loadErr = fmt.Errorf("npm cache %s is not prepared: %w", cacheDir, err)
	}
	for name, versions := range s.index {
		for v := range versions {
			s.byPath[npmTarballPath(name, v)] = name + "\x00" + v
		}
	}
	return s
}

type npmServer struct {
	dir      string
	base     string
	index    npmIndex
	byPath   map[string]string // tarball path → name NUL version
	modified time.Time
	loadErr  error
}

func (s *npmServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.loadErr != nil {
		http.Error(w, s.loadErr.Error(), http.StatusInternalServerError)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		npmError(w, http.StatusMethodNotAllowed, "read-only registry")
		return
	}
	// r.URL.Path is decoded: "@scope%2fname" arrives as "@scope/name".
	p := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case p == "-/ping":
		writeJSON(w, r, map[string]any{})
		return
	case p == "" || strings.HasPrefix(p, "-/"):
		// audit, search, login...: not mirrored (clients pass --no-audit)
		npmError(w, http.StatusNotFound, "not found")
		return
	case strings.Contains(p, "/-/"):
		s.serveTarball(w, r, p)
		return
	}
	parts := strings.Split(p, "/")
	n := 1
	if strings.HasPrefix(p, "@") {
		n = 2
	}
	if len(parts) < n || len(parts) > n+1 {
		npmError(w, http.StatusNotFound, "not found")
		return
	}
	name := strings.Join(parts[:n], "/")
	versions, ok := s.index[name]
	if !ok {
		npmError(w, http.StatusNotFound, "not found")
		return
	}
	if len(parts) == n {
		writeJSON(w, r, s.packument(name, versions))
		return
	}
	v := parts[n]
	if v == "latest" {
		v = latestVersion(versions)
	}
	e, ok := versions[v]
	if !ok {
		npmError(w, http.StatusNotFound, "version not found: "+name+"@"+parts[n])
		return
	}
	writeJSON(w, r, s.versionDoc(name, v, e))
}

func (s *npmServer) serveTarball(w http.ResponseWriter, r *http.Request, p string) {
	key, ok := s.byPath[p]
	if !ok {
		npmError(w, http.StatusNotFound, "no such tarball")
		return
	}
	name, version, _ := strings.Cut(key, "\x00")
	f, err := os.Open(filepath.Join(s.dir, filepath.FromSlash(s.index[name][version].File)))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// packument is the registry document of one package, listing the prepared versions.
func (s *npmServer) packument(name string, versions map[string]npmEntry) map[string]any {
	docs := map[string]any{}
	times := map[string]string{
		"created":  s.modified.Format(time.RFC3339),
		"modified": s.modified.Format(time.RFC3339),
	}
	for v, e := range versions {
		docs[v] = s.versionDoc(name, v, e)
		times[v] = s.modified.Format(time.RFC3339)
	}
	return map[string]any{
		"_id":       name,
		"name":      name,
		"dist-tags": map[string]string{"latest": latestVersion(versions)},
		"versions":  docs,
		"time":      times,
		"modified":  s.modified.Format(time.RFC3339),
	}
}

// versionDoc is the package.json of one version with its dist pointing here.
func (s *npmServer) versionDoc(name, version string, e npmEntry) map[string]any {
	doc := map[string]any{}
	_ = json.Unmarshal(e.Manifest, &doc) // written by PrepareNpm
	doc["dist"] = map[string]any{
		"tarball":   s.base + "/" + npmTarballPath(name, version),
		"integrity": e.Integrity,
		"shasum":    e.Shasum,
	}
	return doc
}

// latestVersion is the highest release version, or the highest prerelease if there is none.
func latestVersion(versions map[string]npmEntry) string {
	best, bestPre := "", ""
	for v := range versions {
		sv := "v" + v
		if !semver.IsValid(sv) {
			continue
		}
		if semver.Prerelease(sv) == "" {
			if best == "" || semver.Compare(sv, "v"+best) > 0 {
				best = v
			}
		} else if bestPre == "" || semver.Compare(sv, "v"+bestPre) > 0 {
			bestPre = v
		}
	}
	if best != "" {
		return best
	}
	return bestPre
}

func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

func npmError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
