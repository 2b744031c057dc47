package signing

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"dagger/pipeline/provenance"
	"dagger/pipeline/trivyreport"
	"dagger/pipeline/vex"
	"dagger/pipeline/vulnpredicate"
)

// The predicates the release attests, made by the packages that make them in the release.

const (
	testRepository = "https://dev.azure.com/acme/taskboard/_git/taskboard"
	testBuilderID  = "https://dev.azure.com/acme/taskboard/_git/taskboard/ci/release"
	// The hand-written image report: CVE-2025-9230 HIGH and CVE-2025-46394 CRITICAL, plus lower.
	testReport = "../trivyreport/testdata/image-backend.json"
	reportHigh = "CVE-2025-9230"
	reportCrit = "CVE-2025-46394"
	vexAuthor  = "security@taskboard.example"
)

func provenanceOf(t testing.TB, builderID, repository string) []byte {
	t.Helper()
	started := time.Now().Add(-10 * time.Minute)
	p, err := provenance.Predicate(provenance.Build{
		Repository: repository, Commit: strings.Repeat("ab", 20), Version: "1.4.0",
		Platforms: []string{"linux/amd64"}, Engine: "v0.21.9", BuilderID: builderID,
		Invocation: "test-run-1", StartedOn: started, FinishedOn: started.Add(5 * time.Minute),
		Images: []provenance.Image{{Ref: "docker.io/library/golang:1.26.1-alpine", Digest: "sha256:" + strings.Repeat("1", 64)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// vulnOf is the vuln predicate of the hand-written image report, scanned at finished.
func vulnOf(t testing.TB, finished time.Time) []byte {
	t.Helper()
	report, err := os.ReadFile(testReport)
	if err != nil {
		t.Fatal(err)
	}
	p, err := vulnpredicate.Predicate(vulnpredicate.Scan{
		Report:       report,
		Trivy:        vulnpredicate.VersionInfo{Version: "0.74.0", VulnerabilityDB: &vulnpredicate.DBMetadata{Version: 2, UpdatedAt: finished.Add(-time.Hour)}},
		DBRepository: "registry.local/aquasec/trivy-db:2",
		StartedOn:    finished.Add(-time.Minute), FinishedOn: finished,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// vexOf is the OpenVEX document of the image at ref accepting the given vulnerability ids.
func vexOf(t testing.TB, ref string, accepted ...string) []byte {
	t.Helper()
	var yaml strings.Builder
	yaml.WriteString("vulnerabilities:\n")
	for _, id := range accepted {
		yaml.WriteString("  - id: " + id + "\n    statement: not reachable from the server\n" +
			"    justification: vulnerable_code_not_in_execute_path\n    expired_at: 2099-01-01\n")
	}
	if len(accepted) == 0 {
		yaml.Reset()
	}
	cfg, err := trivyreport.ParseIgnoreYAML(".trivyignore.yaml", []byte(yaml.String()))
	if err != nil {
		t.Fatal(err)
	}
	purl, err := vex.ImagePURL(ref)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := vex.FromIgnores(cfg, vex.Options{Products: []string{purl}, Author: vexAuthor, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	data, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// attestAll signs the image and attests every kind the release attests.
func attestAll(t testing.TB, s *Signer, ref string, reg Registry, spdx []byte) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.SignImage(ctx, ref, reg, nil); err != nil {
		t.Fatal(err)
	}
	for kind, p := range map[PredicateKind][]byte{
		SPDXJSON:        spdx,
		SLSAProvenance1: provenanceOf(t, testBuilderID, testRepository),
		Vuln:            vulnOf(t, time.Now()),
		OpenVEX:         vexOf(t, ref, reportHigh, reportCrit),
	} {
		if err := s.AttestImage(ctx, ref, reg, kind, p); err != nil {
			t.Fatalf("attest %s: %v", kind, err)
		}
	}
}
