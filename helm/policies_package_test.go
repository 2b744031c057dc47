package helm

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
)

// The packaged policies chart holds its templates, values and README, and none of the test
// fixtures or CI values (.helmignore), as `helm package` builds it: Helm's loader, then its writer.
func TestPoliciesPackageLeavesOutTests(t *testing.T) {
	ch, err := loader.Load(policiesChart)
	if err != nil {
		t.Fatal(err)
	}
	archive, err := chartutil.Save(ch, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	packaged := map[string]bool{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// Entries are "<chart name>/<path>".
		name := h.Name[strings.Index(h.Name, "/")+1:]
		packaged[name] = true
		if strings.HasPrefix(name, "tests/") || strings.HasPrefix(name, "ci/") {
			t.Errorf("%s ships %s", filepath.Base(archive), name)
		}
	}
	for _, want := range []string{"Chart.yaml", "values.yaml", "values.schema.json", "README.md", "templates/verify-image-signatures.yaml"} {
		if !packaged[want] {
			t.Errorf("%s lacks %s: %v", filepath.Base(archive), want, packaged)
		}
	}
}
