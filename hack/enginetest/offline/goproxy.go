package offline

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// GoProxyEnv is the environment a Go command needs to download only from a GoProxy handler
// mounted at proxyURL (e.g. "http://10.0.0.1:8080/goproxy"). GOSUMDB is off because the
// checksum database is not mirrored: the go.sum files of the modules still verify every zip.
// GOTOOLCHAIN=local keeps the go command from fetching a newer toolchain through the proxy.
func GoProxyEnv(proxyURL string) []string {
	return []string{
		"GOPROXY=" + proxyURL,
		"GOSUMDB=off",
		"GONOSUMDB=",
		"GOPRIVATE=",
		"GONOPROXY=",
		"GOFLAGS=-mod=mod",
		"GOTOOLCHAIN=local",
	}
}

// GoModDownloadDir returns $(go env GOMODCACHE)/cache/download, the host's module download
// cache, which is laid out as a GOPROXY (<module>/@v/list, <version>.info, .mod, .zip).
func GoModDownloadDir() (string, error) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMODCACHE: %w", err)
	}
	modcache := strings.TrimSpace(string(out))
	if modcache == "" {
		return "", fmt.Errorf("go env GOMODCACHE is empty")
	}
	return filepath.Join(modcache, "cache", "download"), nil
}

// PrepareGoModules fills the host's module cache with every module that building, vetting and
// testing the packages of each Go module directory needs (e.g. /work/main and /work/main/ci).
// It works on a copy of go.mod and go.sum (-modfile), so the checkout is never edited; a module
// whose go.sum is incomplete fails here, as it would in the engine.
func PrepareGoModules(moduleDirs ...string) error {
	for _, dir := range moduleDirs {
		if err := prepareGoModule(dir); err != nil {
			return err
		}
	}
	return nil
}

func prepareGoModule(dir string) error {
	tmp, err := os.MkdirTemp("", "offline-gomod-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil && !(f == "go.sum" && errors.Is(err, os.ErrNotExist)) {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, f), data, 0o644); err != nil {
			return err
		}
	}
	// go mod download: the zips and .info files of the build list; go list -deps -test then
	// loads every package and its tests, which fetches anything still missing (and proves
	// that the cache is enough to resolve them).
	for _, args := range [][]string{
		{"mod", "download"},
		{"list", "-deps", "-test", "-f", "{{if .Module}}{{.Module.Path}}{{end}}", "./..."},
	} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly -modfile="+filepath.Join(tmp, "go.mod"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr // stdout (module paths) is discarded
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go %s in %s: %w\n%s", strings.Join(args[:2], " "), dir, err, stderr.String())
		}
	}
	return nil
}

// GoProxy serves a module download cache directory (GoModDownloadDir) in the GOPROXY protocol.
// It only reads files: <module>/@v/list, <version>.info, .mod and .zip exist on disk exactly as
// the protocol names them (upper case escaped as "!x" in both). @latest and the checksum
// database proxy (/sumdb/...) are answered 404, which the go command takes as "not here".
func GoProxy(dir string) http.Handler {
	return serveFiles(dir, goProxyFile, func(p string) string {
		switch {
		case strings.HasSuffix(p, ".zip"):
			return "application/zip"
		case strings.HasSuffix(p, ".info"):
			return "application/json"
		}
		return "text/plain; charset=utf-8"
	})
}

// goProxyFile reports whether a cleaned request path names a file of the GOPROXY protocol:
// <module>/@v/list or <module>/@v/<version>.{info,mod,zip}. Everything else the cache holds
// (.lock, .ziphash, partial downloads, sumdb tiles) is not served.
func goProxyFile(p string) bool {
	mod, file, ok := strings.Cut(p, "/@v/")
	if !ok || mod == "" || mod == "/" || strings.Contains(file, "/") || strings.HasPrefix(p, "/sumdb/") {
		return false
	}
	if file == "list" {
		return true
	}
	for _, ext := range []string{".info", ".mod", ".zip"} {
		if v, ok := strings.CutSuffix(file, ext); ok && strings.HasPrefix(v, "v") {
			return true
		}
	}
	return false
}
