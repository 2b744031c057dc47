package attestations

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"dagger/pipeline/provenance"
	"dagger/pipeline/signing"
	"dagger/pipeline/trivyreport"
	"dagger/pipeline/vulnpredicate"
)

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSBOMsAreSummarized(t *testing.T) {
	docs, err := SBOMs(read(t, "../sbom/testdata/syft-spdx.json"), read(t, "../sbom/testdata/syft-cyclonedx.json"))
	if err != nil {
		t.Fatal(err)
	}
	if docs[0].Kind != signing.SPDXJSON || docs[1].Kind != signing.CycloneDX || docs[0].SBOM.Packages == 0 {
		t.Fatalf("%+v", docs)
	}
	if _, err := SBOMs([]byte(`{"not":"an sbom"}`), read(t, "../sbom/testdata/syft-cyclonedx.json")); err == nil {
		t.Fatal("a document that is no SBOM was accepted")
	}
}

func TestSupplyChainDocumentsOfAPushedImage(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ref := "registry.example.com/taskboard-backend@sha256:" + strings.Repeat("a", 64)
	ignores, err := trivyreport.ParseIgnoreFiles(map[string][]byte{".trivyignore.yaml": []byte(
		"vulnerabilities:\n  - id: CVE-2099-0001\n    statement: not reachable\n    justification: vulnerable_code_not_in_execute_path\n    expired_at: 2099-01-01\n")})
	if err != nil {
		t.Fatal(err)
	}
	s := SupplyChain{
		Reference: ref,
		Build: provenance.Build{Repository: "https://github.com/devsecops-reference/taskboard", Commit: provenance.LocalCommit,
			Version: "local", Platforms: []string{"linux/amd64"}, Engine: "v0.21.9", Invocation: "urn:uuid:x",
			StartedOn: now, FinishedOn: now.Add(time.Minute)},
		Scan: vulnpredicate.Scan{Report: read(t, "../trivyreport/testdata/image-backend.json"), DBRepository: "mirror.gcr.io/aquasec/trivy-db:2",
			Trivy:     vulnpredicate.VersionInfo{Version: "0.74.0", VulnerabilityDB: &vulnpredicate.DBMetadata{Version: 2, UpdatedAt: now}},
			StartedOn: now, FinishedOn: now.Add(time.Second)},
		Ignores: ignores, Author: "Taskboard CI <ci@taskboard.invalid>", Now: now,
	}
	docs, err := s.Documents()
	if err != nil {
		t.Fatal(err)
	}
	kinds := []signing.PredicateKind{signing.SLSAProvenance1, signing.Vuln, signing.OpenVEX}
	for i, d := range docs {
		if d.Kind != kinds[i] || !json.Valid(d.Doc) || d.File == "" {
			t.Fatalf("document %d: %s %s", i, d.Kind, d.File)
		}
	}
	if vex := string(docs[2].Doc); !strings.Contains(vex, "CVE-2099-0001") || !strings.Contains(vex, "pkg:oci/taskboard-backend@sha256%3A") {
		t.Fatalf("the VEX does not name the exception for this image:\n%s", vex)
	}
	s.Reference = "registry.example.com/taskboard-backend:latest"
	if _, err := s.Documents(); err == nil {
		t.Fatal("an image not by digest got a VEX")
	}
}
