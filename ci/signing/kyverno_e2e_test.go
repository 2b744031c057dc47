// End to end without a cluster: images signed by this package, in a registry started by the
// test, checked by the real Kyverno CLI against the verify-image-signatures policy of
// helm/policies. The CLI comes from scripts/tool-kyverno.sh (built once, then cached).
package signing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

func TestKyvernoAdmitsOnlyImagesSignedWithTheReleaseKey(t *testing.T) {
	root := repositoryRoot(t)
	kyverno := kyvernoCLI(t, root)
	host, reg := plainRegistry(t), Registry{}

	signer, release := newSigner(t)
	other, _ := newSigner(t)
	ctx := context.Background()
	signed := pushRandomImage(t, host, reg, "taskboard-backend")
	if _, err := signer.SignImage(ctx, signed, reg, nil); err != nil {
		t.Fatal(err)
	}
	unsigned := pushRandomImage(t, host, reg, "taskboard-frontend")
	wronglySigned := pushRandomImage(t, host, reg, "taskboard-frontend")
	if _, err := other.SignImage(ctx, wronglySigned, reg, nil); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	policy := renderVerifyImageSignatures(t, filepath.Join(root, "helm/policies"), func(values map[string]any) {
		setPolicy(values, string(release.PublicKeyPEM), host)
		// This test is about the signature alone (the attestations have their own test below).
		for _, name := range []string{"sbom", "provenance", "vulnerabilities"} {
			requirement(values, name)["enabled"] = false
			requirement(values, name)["reason"] = "the signature is tested alone here"
		}
	})
	policyFile := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policyFile, policy, 0o644); err != nil {
		t.Fatal(err)
	}

	expectAdmission(t, kyverno, dir, policyFile, map[string]bool{signed: true, unsigned: false, wronglySigned: false})
}

// setPolicy points the chart's values at the test's key and registry, enforcing.
func setPolicy(values map[string]any, publicKey, host string) {
	values["failureAction"] = "Enforce"
	vis := values["verifyImageSignatures"].(map[string]any)
	vis["publicKeys"] = []any{publicKey}
	vis["imageReferences"] = []any{host + "/taskboard-backend*", host + "/taskboard-frontend*"}
	requirement(values, "provenance")["sourceRepository"] = testRepository
}

func requirement(values map[string]any, name string) map[string]any {
	return values["verifyImageSignatures"].(map[string]any)["requirements"].(map[string]any)[name].(map[string]any)
}

// kyvernoCLI builds (once, cached) or finds the pinned Kyverno CLI with the repository's script.
func kyvernoCLI(t *testing.T, root string) string {
	t.Helper()
	script := filepath.Join(root, "scripts/tool-kyverno.sh")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("%s is missing: this test needs the helm branch's Kyverno CLI script", script)
	}
	out, err := exec.Command("bash", script).Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return strings.TrimSpace(string(out))
}

// renderVerifyImageSignatures renders the chart's verify-image-signatures template with the
// chart's own values plus the test's key and image references. It implements the handful of
// Helm template functions the chart's templates use, so that the test reads the real template
// without pulling the Helm SDK into this module.
func renderVerifyImageSignatures(t *testing.T, chart string, edit func(values map[string]any)) []byte {
	t.Helper()
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(chart, p))
		if err != nil {
			t.Fatalf("%v (this test needs helm/policies from the helm branch)", err)
		}
		return string(b)
	}
	var values, meta map[string]any
	if err := yaml.Unmarshal([]byte(read("values.yaml")), &values); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(read("Chart.yaml")), &meta); err != nil {
		t.Fatal(err)
	}
	edit(values)

	var tmpl *template.Template
	funcs := template.FuncMap{
		"include": func(name string, data any) (string, error) {
			var b strings.Builder
			err := tmpl.ExecuteTemplate(&b, name, data)
			return b.String(), err
		},
		"nindent": func(n int, s string) string { return "\n" + indent(n, s) },
		"indent":  indent,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"list":  func(v ...any) []any { return v },
		"quote": func(v any) string { return strconv.Quote(fmt.Sprint(v)) },
		"required": func(msg string, v any) (any, error) {
			if v == nil || v == "" {
				return nil, fmt.Errorf("%s", msg)
			}
			return v, nil
		},
		"trim": strings.TrimSpace,
		"default": func(def, v any) any {
			if v == nil || v == "" {
				return def
			}
			return v
		},
		"fail": func(msg string) (string, error) { return "", fmt.Errorf("%s", msg) },
		"join": func(sep string, v []any) string {
			var parts []string
			for _, p := range v {
				parts = append(parts, fmt.Sprint(p))
			}
			return strings.Join(parts, sep)
		},
		"toJson": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"trunc": func(n int, s string) string {
			if len(s) > n {
				return s[:n]
			}
			return s
		},
		"toYaml": func(v any) (string, error) {
			b, err := yaml.Marshal(v)
			return strings.TrimSuffix(string(b), "\n"), err
		},
	}
	tmpl = template.New("chart").Funcs(funcs)
	for _, name := range []string{"templates/_helpers.tpl", "templates/verify-image-signatures.yaml"} {
		if _, err := tmpl.New(name).Parse(read(name)); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	data := map[string]any{
		"Values":  values,
		"Chart":   map[string]any{"Name": meta["name"], "Version": meta["version"]},
		"Release": map[string]any{"Name": "policies", "Namespace": "kyverno", "Service": "Helm"},
	}
	if err := tmpl.ExecuteTemplate(&out, "templates/verify-image-signatures.yaml", data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("kind: ImageValidatingPolicy")) {
		t.Fatalf("the template rendered no ImageValidatingPolicy:\n%s", out.Bytes())
	}
	return out.Bytes()
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
