package vulnpredicate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/cosign/v2/pkg/cosign/attestation"

	"dagger/pipeline/trivytest"
)

// A real scan by the real Trivy, and its real `trivy version` of the same cache directory.
func realScan(t *testing.T) Scan {
	t.Helper()
	bin, cache := trivytest.Binary(t), trivytest.CacheDir(t)
	ref := trivytest.PushGoImage(t, trivytest.Registry(t))
	started := time.Now()
	report := trivytest.ScanImage(t, bin, cache, ref)
	finished := time.Now()
	info, err := ParseVersion(trivytest.Run(t, bin, t.TempDir(), "version", "--format", "json", "--cache-dir", cache))
	if err != nil {
		t.Fatal(err)
	}
	return Scan{Report: report, Trivy: info, DBRepository: "registry.local/aquasec/trivy-db:2",
		StartedOn: started, FinishedOn: finished,
		Invocation: Invocation{URI: "https://ci.example.com/runs/42", EventID: "42", Parameters: []string{"image", "--scanners", "vuln"}}}
}

func TestPredicateOfARealScan(t *testing.T) {
	s := realScan(t)
	data, err := Predicate(s)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Invocation struct {
			URI     string
			EventID string `json:"event_id"`
		}
		Scanner struct {
			URI, Version string
			DB           struct {
				URI, Version string
				UpdatedAt    time.Time
			}
			Result struct {
				ArtifactName string
				Results      []struct {
					Vulnerabilities []struct{ VulnerabilityID, Severity string }
				}
			}
		}
		Metadata struct{ ScanStartedOn, ScanFinishedOn time.Time }
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile(filepath.Join("..", "trivyreport", "testdata", "trivydb", "db", "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dbMeta struct{ UpdatedAt time.Time }
	if err := json.Unmarshal(meta, &dbMeta); err != nil {
		t.Fatal(err)
	}
	sc := p.Scanner
	if sc.URI != "pkg:github/aquasecurity/trivy@0.74.0" || sc.Version != "0.74.0" ||
		sc.DB.URI != "registry.local/aquasec/trivy-db:2" || sc.DB.Version != "2" || !sc.DB.UpdatedAt.Equal(dbMeta.UpdatedAt) {
		t.Errorf("scanner = %+v (db updated %s)", sc, dbMeta.UpdatedAt)
	}
	if !p.Metadata.ScanStartedOn.Equal(s.StartedOn.UTC()) || !p.Metadata.ScanFinishedOn.Equal(s.FinishedOn.UTC()) ||
		p.Invocation.URI != "https://ci.example.com/runs/42" || p.Invocation.EventID != "42" {
		t.Errorf("metadata/invocation = %+v %+v", p.Metadata, p.Invocation)
	}
	var n int
	for _, r := range sc.Result.Results {
		n += len(r.Vulnerabilities)
	}
	if n != 3 || !strings.Contains(sc.Result.ArtifactName, trivytest.ScannedRepo) {
		t.Errorf("the findings: %d vulnerabilities of %s", n, sc.Result.ArtifactName)
	}

	// cosign's vuln statement generator reads the same fields.
	st, err := attestation.GenerateStatement(attestation.GenerateOpts{Predicate: bytes.NewReader(data), Type: "vuln",
		Digest: strings.Repeat("c", 64), Repo: "registry.local/taskboard-backend", Time: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(st)
	var cst attestation.CosignVulnStatement
	if err := json.Unmarshal(out, &cst); err != nil {
		t.Fatal(err)
	}
	if cst.PredicateType != PredicateType || cst.Predicate.Scanner.URI != sc.URI || cst.Predicate.Scanner.DB.Version != "2" ||
		!cst.Predicate.Metadata.ScanFinishedOn.Equal(s.FinishedOn.UTC()) || cst.Predicate.Scanner.Result == nil {
		t.Errorf("cosign reads %+v", cst)
	}
}

func TestPredicateRefusesWhatItCannotVouchFor(t *testing.T) {
	s := realScan(t)
	cases := map[string]func(*Scan){
		"trivy report is empty":   func(s *Scan) { s.Report = nil },
		"version and DB metadata": func(s *Scan) { s.Trivy.VulnerabilityDB = nil },
		"written by Trivy 0.74.0": func(s *Scan) { s.Trivy.Version = "0.73.0" },
		"DBRepository":            func(s *Scan) { s.DBRepository = "" },
		"a start and a finish":    func(s *Scan) { s.FinishedOn = s.StartedOn.Add(-time.Second) },
	}
	for want, edit := range cases {
		c := s
		edit(&c)
		if _, err := Predicate(c); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
	if _, err := ParseVersion([]byte(`{"Version":"0.74.0"}`)); err == nil || !strings.Contains(err.Error(), "no vulnerability DB") {
		t.Errorf("version without DB: %v", err)
	}
}
