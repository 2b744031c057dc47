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

// supplyChain is what a release of one platform knows when it attests its image.
func supplyChain(t *testing.T) SupplyChain {
	t.Helper()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ignores, err := trivyreport.ParseIgnoreFiles(map[string][]byte{".trivyignore.yaml": []byte(
		"vulnerabilities:\n  - id: CVE-2099-0001\n    statement: not reachable\n    justification: vulnerable_code_not_in_execute_path\n    expired_at: 2099-01-01\n")})
	if err != nil {
		t.Fatal(err)
	}
	return SupplyChain{
		Reference: "registry.example.com/taskboard-backend@sha256:" + strings.Repeat("a", 64),
		Build: provenance.Build{Repository: "https://github.com/devsecops-reference/taskboard", Commit: provenance.LocalCommit,
			Version: "local", Platforms: []string{"linux/amd64"}, Engine: "v0.21.9", Invocation: "urn:uuid:x",
			StartedOn: now, FinishedOn: now.Add(time.Minute)},
		Scans:   []vulnpredicate.Scan{scanOf(t, read(t, "../trivyreport/testdata/image-backend.json"), now)},
		Ignores: ignores, Author: "Taskboard CI <ci@taskboard.invalid>", Now: now,
	}
}

func scanOf(t *testing.T, report []byte, at time.Time) vulnpredicate.Scan {
	return vulnpredicate.Scan{Report: report, DBRepository: "mirror.gcr.io/aquasec/trivy-db:2",
		Trivy:     vulnpredicate.VersionInfo{Version: "0.74.0", VulnerabilityDB: &vulnpredicate.DBMetadata{Version: 2, UpdatedAt: at}},
		StartedOn: at, FinishedOn: at.Add(time.Second)}
}

func TestSupplyChainDocumentsOfAPushedImage(t *testing.T) {
	s := supplyChain(t)
	targets, err := s.Targets()
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 1 || targets[0].Reference != s.Reference || targets[0].Platform != "" {
		t.Fatalf("one platform: everything goes on its image, got %+v", targets)
	}
	docs := targets[0].Docs
	kinds := []signing.PredicateKind{signing.SLSAProvenance1, signing.Vuln, signing.OpenVEX}
	for i, d := range docs {
		if d.Kind != kinds[i] || !json.Valid(d.Doc) || d.File == "" || len(d.More) != 0 {
			t.Fatalf("document %d: %s %s, %d more subjects", i, d.Kind, d.File, len(d.More))
		}
	}
	if vex := string(docs[2].Doc); !strings.Contains(vex, "CVE-2099-0001") || !strings.Contains(vex, "pkg:oci/taskboard-backend@sha256%3A") {
		t.Fatalf("the VEX does not name the exception for this image:\n%s", vex)
	}
	s.Reference = "registry.example.com/taskboard-backend:latest"
	if _, err := s.Targets(); err == nil {
		t.Fatal("an image not by digest got a VEX")
	}
}

// Two platforms: the index gets the provenance naming both platforms' images, one scan of both
// and a VEX covering all three digests; each platform's image gets its own scan.
func TestSupplyChainOfAnImageIndex(t *testing.T) {
	s := supplyChain(t)
	repo := "registry.example.com/taskboard-backend"
	s.Reference = repo + "@sha256:" + strings.Repeat("1", 64)
	s.Platforms = []PlatformImage{
		{Platform: "linux/amd64", Reference: repo + "@sha256:" + strings.Repeat("a", 64)},
		{Platform: "linux/arm64", Reference: repo + "@sha256:" + strings.Repeat("b", 64)},
	}
	s.Build.Platforms = []string{"linux/amd64", "linux/arm64"}
	s.Scans = append(s.Scans, scanOf(t, read(t, "../trivyreport/testdata/image-backend.json"), s.Now.Add(time.Minute)))
	targets, err := s.Targets()
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 3 || targets[0].Reference != s.Reference || targets[1].Platform != "linux/amd64" ||
		targets[2].Reference != s.Platforms[1].Reference || targets[2].Platform != "linux/arm64" {
		t.Fatalf("targets %+v", targets)
	}
	prov := targets[0].Docs[0]
	if prov.Kind != signing.SLSAProvenance1 || len(prov.More) != 2 {
		t.Fatalf("the index's provenance: %s with %d more subjects, want both platforms' images", prov.Kind, len(prov.More))
	}
	arm := prov.More[1]
	if arm.Digest["sha256"] != strings.Repeat("b", 64) || arm.Annotations["platform"] != "linux/arm64" ||
		!strings.HasPrefix(arm.Name, "pkg:oci/taskboard-backend@sha256%3A"+strings.Repeat("b", 64)+"?arch=arm64&repository_url=") {
		t.Fatalf("arm64 subject %+v", arm)
	}
	var vuln struct {
		Scanner  struct{ Result trivyreport.Report }
		Metadata struct{ ScanStartedOn, ScanFinishedOn time.Time }
	}
	if err := json.Unmarshal(targets[0].Docs[1].Doc, &vuln); err != nil {
		t.Fatal(err)
	}
	if r := vuln.Scanner.Result; r.ArtifactName != "image index: linux/amd64, linux/arm64" || !strings.HasPrefix(r.Results[len(r.Results)-1].Target, "linux/arm64: ") {
		t.Fatalf("the index's scan is not both platforms': %q, last target %q", r.ArtifactName, r.Results[len(r.Results)-1].Target)
	}
	if !vuln.Metadata.ScanStartedOn.Equal(s.Now) || !vuln.Metadata.ScanFinishedOn.Equal(s.Now.Add(time.Minute+time.Second)) {
		t.Fatalf("the index's scan ran from %s to %s", vuln.Metadata.ScanStartedOn, vuln.Metadata.ScanFinishedOn)
	}
	if vex := string(targets[0].Docs[2].Doc); strings.Count(vex, "pkg:oci/taskboard-backend@sha256%3A") < 3 {
		t.Fatalf("the VEX does not cover the index and both images:\n%s", vex)
	}
	for _, tg := range targets[1:] {
		if len(tg.Docs) != 1 || tg.Docs[0].Kind != signing.Vuln || strings.Contains(string(tg.Docs[0].Doc), "image index") {
			t.Fatalf("%s: want its own scan only, got %+v", tg.Platform, tg.Docs)
		}
	}
	s.Scans = s.Scans[:1]
	if _, err := s.Targets(); err == nil || !strings.Contains(err.Error(), "1 scans for 2 platform(s)") {
		t.Fatalf("a platform without its scan: %v", err)
	}
}

func TestSBOMTargets(t *testing.T) {
	amd, err := SBOMs(read(t, "../sbom/testdata/syft-spdx.json"), read(t, "../sbom/testdata/syft-cyclonedx.json"))
	if err != nil {
		t.Fatal(err)
	}
	arm := append([]Attestation(nil), amd...)
	one, err := SBOMTargets("r/x@sha256:1", nil, [][]Attestation{amd})
	if err != nil || len(one) != 1 || one[0].Reference != "r/x@sha256:1" {
		t.Fatalf("one platform: %+v %v", one, err)
	}
	platforms := []PlatformImage{{Platform: "linux/amd64", Reference: "r/x@sha256:a"}, {Platform: "linux/arm64", Reference: "r/x@sha256:b"}}
	targets, err := SBOMTargets("r/x@sha256:1", platforms, [][]Attestation{amd, arm})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 3 || targets[0].Platform != "" || targets[2].Reference != "r/x@sha256:b" || &targets[2].Docs[0] != &arm[0] || &targets[0].Docs[0] != &amd[0] {
		t.Fatalf("the index gets the first platform's SBOMs, each image its own: %+v", targets)
	}
	if _, err := SBOMTargets("r/x@sha256:1", platforms, [][]Attestation{amd}); err == nil {
		t.Fatal("a platform without SBOMs")
	}
}
