package main

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The release's default provenance names the repository the admission policy expects by default.
func TestDefaultSourceRepositoryIsThePolicysDefault(t *testing.T) {
	data, err := os.ReadFile("../helm/policies/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		VerifyImageSignatures struct {
			Requirements struct {
				Provenance struct {
					SourceRepository string `yaml:"sourceRepository"`
				}
			}
		} `yaml:"verifyImageSignatures"`
	}
	if err := yaml.Unmarshal(data, &values); err != nil {
		t.Fatal(err)
	}
	if got := values.VerifyImageSignatures.Requirements.Provenance.SourceRepository; got != defaultSourceRepository {
		t.Fatalf("helm/policies expects provenance from %q, the release names %q", got, defaultSourceRepository)
	}
}

// --go-packages decides what the test stage mounts: a pattern it cannot map to directories is
// refused when given, naming the flag, not when the tests run.
func TestWithValidationRefusesPackagesOutsideTheRepository(t *testing.T) {
	p := New(nil, "", "", "", "")
	for _, bad := range []string{"backend/...", "../other/...", "github.com/x/y"} {
		_, err := p.WithValidation("", nil, []string{bad})
		if err == nil || !strings.Contains(err.Error(), "--go-packages") {
			t.Errorf("with-validation --go-packages %s: %v", bad, err)
		}
	}
}

// A with-* method given an empty value keeps the current one (docs/PIPELINE.md), except the
// three that replace a whole setting.
func TestWithEmptyValuesKeepTheCurrentOnes(t *testing.T) {
	p := New(nil, "", "", "", "")
	p, err := p.WithValidation("1.31.0", []string{"ValidatingPolicy"}, []string{"./backend/internal/..."})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = p.WithValidation("", nil, nil); err != nil {
		t.Fatal(err)
	}
	if p.KubernetesVersion != "1.31.0" || len(p.SkipKinds) != 1 || p.GoPackages[0] != "./backend/internal/..." {
		t.Errorf("with-validation with nothing given changed the settings: %q %v %v", p.KubernetesVersion, p.SkipKinds, p.GoPackages)
	}
	p = p.WithProvenance("https://example.com/repo", "https://example.com/builder", "run-1")
	p = p.WithProvenance("", "", "")
	if p.SourceRepository != "https://example.com/repo" || p.BuilderID != "https://example.com/builder" || p.Invocation != "run-1" {
		t.Errorf("with-provenance with nothing given changed the settings: %q %q %q", p.SourceRepository, p.BuilderID, p.Invocation)
	}
	p = p.WithAdmission([]string{"a.yaml"}, []string{"b.yaml"})
	p = p.WithAdmission(nil, nil)
	if len(p.PolicyValues) != 1 || p.PolicyValues[0] != "a.yaml" || p.AppValues[0] != "b.yaml" {
		t.Errorf("with-admission with nothing given changed the settings: %v %v", p.PolicyValues, p.AppValues)
	}
	const checks = "checks.example.com/trivy-checks:2.1.0"
	if s, err := p.WithScanPolicy("CRITICAL", true, "db.example.com/trivy-db:2", true, checks, true); err != nil {
		t.Fatal(err)
	} else if s, err = s.WithScanPolicy("", false, "", false, "", false); err != nil {
		t.Fatal(err)
	} else if s.Severity != "CRITICAL" || s.TrivyDB != "db.example.com/trivy-db:2" || s.TrivyChecks != checks ||
		s.IgnoreUnfixed || s.TrivyDBInsecure || s.TrivyChecksInsecure {
		t.Errorf("with-scan-policy: severity, DB and checks kept, switches off unless given again; got %q %q %q %v %v %v",
			s.Severity, s.TrivyDB, s.TrivyChecks, s.IgnoreUnfixed, s.TrivyDBInsecure, s.TrivyChecksInsecure)
	}
}

// The admission check reads the values files Argo CD renders the two charts with.
func TestDefaultAdmissionValuesAreArgoCDs(t *testing.T) {
	data, err := os.ReadFile("../argocd-application.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	found := map[string][]string{}
	for {
		var doc struct {
			Kind string
			Spec struct {
				Source struct {
					Path string
					Helm struct {
						ValueFiles []string `yaml:"valueFiles"`
					}
				}
			}
		}
		if err := dec.Decode(&doc); err != nil {
			break
		}
		if doc.Kind == "Application" && doc.Spec.Source.Path != "" {
			files := []string{doc.Spec.Source.Path + "/values.yaml"}
			for _, f := range doc.Spec.Source.Helm.ValueFiles {
				files = append(files, doc.Spec.Source.Path+"/"+f)
			}
			found[doc.Spec.Source.Path] = files
		}
	}
	for path, want := range map[string][]string{"helm/policies": defaultPolicyValues, "helm/app": defaultAppValues} {
		if !slices.Equal(found[path], want) {
			t.Errorf("Argo CD renders %s with %v; the release checks %v", path, found[path], want)
		}
	}
}
