package offline

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// goModZip downloads one module version through the host's Go module proxy (or finds it in the
// module cache) and returns the path of its zip.
func goModZip(module, version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = os.TempDir() // outside any module: no go.mod is read or touched
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	var info struct{ Zip, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil || info.Zip == "" {
		return "", fmt.Errorf("go mod download %s@%s failed (%v): %s %s", module, version, err, info.Error, out)
	}
	return info.Zip, nil
}

// zipFiles calls fn for every file of a module zip whose path (inside the module) starts
// with prefix, in zip order.
func zipFiles(zipPath, module, version, prefix string, fn func(name string, data []byte) error) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return err
	}
	defer zr.Close()
	root := module + "@" + version + "/"
	found := false
	for _, f := range zr.File {
		name, ok := strings.CutPrefix(f.Name, root)
		if !ok || !strings.HasPrefix(name, prefix) || strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		found = true
		if err := fn(name, data); err != nil {
			return fmt.Errorf("%s@%s/%s: %w", module, version, name, err)
		}
	}
	if !found {
		return fmt.Errorf("%s@%s has no %s", module, version, prefix)
	}
	return nil
}
