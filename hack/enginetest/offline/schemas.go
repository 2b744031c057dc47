package offline

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Schema path templates, in kubeconform's -schema-location syntax (kubeconform v0.8.0 fills
// NormalizedKubernetesVersion = "v" + -kubernetes-version, StrictSuffix = "-strict" under
// -strict, ResourceKind = lower-case kind, KindSuffix = "-<first label of the group>-<version>"
// or "-<version>" for the core group, Group = the full group, ResourceAPIVersion = the version).
//
// KubernetesSchemaPathTemplate is kubeconform's default layout (yannh/kubernetes-json-schema);
// CRDSchemaPathTemplate is the layout of the datreeio CRDs-catalog. Prefix them with the URL the
// Schemas handler is reached at plus "/k8s/" and "/crds/": KubeconformSchemaLocations does it.
const (
	KubernetesSchemaPathTemplate = "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
	CRDSchemaPathTemplate        = "{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
)

// KubeconformSchemaLocations returns the two -schema-location values for a Schemas handler
// reached at schemasURL (e.g. "http://10.0.0.1:8080/schemas"): built-in kinds first, then CRDs.
// Pass them with -strict -kubernetes-version <the kubeVersion given to PrepareSchemas>.
func KubeconformSchemaLocations(schemasURL string) []string {
	base := strings.TrimSuffix(schemasURL, "/")
	return []string{base + "/k8s/" + KubernetesSchemaPathTemplate, base + "/crds/" + CRDSchemaPathTemplate}
}

// CRDSource is a directory of CustomResourceDefinition manifests inside a Go module.
type CRDSource struct{ Module, Version, Dir string }

// CRDSources are the CRDs PrepareSchemas turns into schemas: the kinds this repository's
// manifests use (Kyverno policies, Argo CD Applications and AppProjects), at the versions
// helm/schema_test.go checks against.
var CRDSources = []CRDSource{
	{"github.com/kyverno/kyverno", "v1.19.1", "config/crds/policies.kyverno.io"},
	{"github.com/argoproj/argo-cd/v3", "v3.5.0", "manifests/crds"},
}

var kubeVersionRE = regexp.MustCompile(`^v?(\d+\.\d+\.\d+)$`)

// PrepareSchemas writes the JSON schemas kubeconform fetches into outDir:
//
//	k8s/v<kubeVersion>-standalone-strict/<kind><kindsuffix>.json  (and -standalone/, non-strict)
//	crds/<group>/<kind>_<version>.json
//
// kubeVersion is what kubeconform gets as -kubernetes-version, e.g. "1.29.0"; the built-in
// schemas come from api/openapi-spec/swagger.json of the k8s.io/kubernetes module at that
// version, the CRD schemas from CRDSources. Both are generated, never downloaded as schemas.
func PrepareSchemas(outDir, kubeVersion string) error {
	m := kubeVersionRE.FindStringSubmatch(kubeVersion)
	if m == nil {
		return fmt.Errorf("kubeVersion %q: want MAJOR.MINOR.PATCH", kubeVersion)
	}
	version := m[1]
	zipPath, err := goModZip("k8s.io/kubernetes", "v"+version)
	if err != nil {
		return err
	}
	var spec []byte
	if err := zipFiles(zipPath, "k8s.io/kubernetes", "v"+version, "api/openapi-spec/swagger.json", func(_ string, data []byte) error {
		spec = data
		return nil
	}); err != nil {
		return err
	}
	k8s, err := kubernetesSchemas(spec, "v"+version)
	if err != nil {
		return err
	}
	if err := replaceDir(filepath.Join(outDir, "k8s"), k8s); err != nil {
		return err
	}

	crds := map[string][]byte{}
	for _, src := range CRDSources {
		zipPath, err := goModZip(src.Module, src.Version)
		if err != nil {
			return err
		}
		err = zipFiles(zipPath, src.Module, src.Version, src.Dir+"/", func(name string, data []byte) error {
			if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") {
				return nil
			}
			return crdSchemas(data, crds)
		})
		if err != nil {
			return err
		}
	}
	if len(crds) == 0 {
		return fmt.Errorf("no CRD schema found in %v", CRDSources)
	}
	return replaceDir(filepath.Join(outDir, "crds"), crds)
}

// KubeVersionFromChart returns the lower bound of a Chart.yaml kubeVersion constraint such as
// ">=1.29.0-0" as "1.29.0", the version to prepare schemas for and pass to kubeconform.
func KubeVersionFromChart(chartYAML string) (string, error) {
	data, err := os.ReadFile(chartYAML)
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^kubeVersion:\s*["']?>=\s*v?(\d+\.\d+\.\d+)`).FindSubmatch(data)
	if m == nil {
		return "", fmt.Errorf("%s: no kubeVersion \">=X.Y.Z\" constraint", chartYAML)
	}
	return string(m[1]), nil
}

// Schemas serves a directory written by PrepareSchemas (a plain file server of its .json files,
// without directory listings). Mount it where KubeconformSchemaLocations points.
func Schemas(dir string) http.Handler {
	isJSON := func(p string) bool { return strings.HasSuffix(p, ".json") }
	return serveFiles(dir, isJSON, func(string) string { return "application/json" })
}

// replaceDir writes files (relative slash paths → content) into a fresh directory and then
// swaps it in for dir, so that a failed run never leaves a half-written layout.
func replaceDir(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-"+filepath.Base(dir)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for name, data := range files {
		file := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

// marshalSchema is the compact JSON of a schema: the files are many and inlining repeats a lot.
func marshalSchema(s any) ([]byte, error) {
	return json.Marshal(s)
}
