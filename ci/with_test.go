package main

import (
	"os"
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
