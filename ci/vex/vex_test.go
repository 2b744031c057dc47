package vex

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"dagger/pipeline/trivyreport"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

const image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskboard-backend@sha256:" +
	"1825fe01939a0b7fbed9c30d0b5136c11c8ae95d07c4acd2ac9b3fb8f7e0ca6a"

func ignores(t *testing.T, yaml string) *trivyreport.IgnoreConfig {
	t.Helper()
	cfg, err := trivyreport.ParseIgnoreYAML(".trivyignore.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestImagePURLIsTrivys(t *testing.T) {
	got, err := ImagePURL(image)
	want := "pkg:oci/taskboard-backend@sha256%3A1825fe01939a0b7fbed9c30d0b5136c11c8ae95d07c4acd2ac9b3fb8f7e0ca6a" +
		"?repository_url=123456789012.dkr.ecr.eu-west-1.amazonaws.com%2Ftaskboard-backend"
	if err != nil || got != want {
		t.Fatalf("ImagePURL = %q, %v\nwant %q", got, err, want)
	}
	if _, err := ImagePURL("registry.local/taskboard-backend:1.0.0"); err == nil {
		t.Fatal("a tag gave a purl: the product must be a digest")
	}
}

func TestLiveVulnerabilityExceptionsBecomeStatements(t *testing.T) {
	cfg := ignores(t, `
vulnerabilities:
  - id: CVE-2026-2002
    purls: ["pkg:golang/github.com/jackc/pgx/v5@v5.7.1"]
    statement: the vulnerable COPY path is never called
    justification: vulnerable_code_not_in_execute_path
    expired_at: 2027-01-01
  - id: CVE-2026-2001
    paths: ["app/server"]
    statement: only reachable with a flag the image never sets
    justification: vulnerable_code_cannot_be_controlled_by_adversary
    expired_at: 2027-01-01
  - id: CVE-2026-2003
    statement: expired yesterday
    justification: component_not_present
    expired_at: 2026-11-30
misconfigurations:
  - id: KSV-0125
    statement: not a vulnerability
    expired_at: 2027-01-01
`)
	purl, _ := ImagePURL(image)
	doc, err := FromIgnores(cfg, Options{Products: []string{purl}, Author: "security@taskboard.example", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Statements) != 2 {
		t.Fatalf("statements = %+v: the expired exception and the misconfiguration must be left out", doc.Statements)
	}
	a, b := doc.Statements[0], doc.Statements[1]
	if a.Vulnerability.Name != "CVE-2026-2001" || a.Status != StatusNotAffected ||
		a.Justification != "vulnerable_code_cannot_be_controlled_by_adversary" ||
		a.ImpactStatement != "only reachable with a flag the image never sets" ||
		len(a.Products) != 1 || a.Products[0].ID != purl || a.Products[0].Subcomponents != nil ||
		!strings.Contains(a.StatusNotes, "paths app/server") {
		t.Errorf("first statement = %+v", a)
	}
	if b.Vulnerability.Name != "CVE-2026-2002" || len(b.Products) != 2 || len(b.Products[0].Subcomponents) != 1 ||
		b.Products[0].Subcomponents[0].ID != "pkg:golang/github.com/jackc/pgx/v5@v5.7.1" ||
		b.Products[1].ID != "pkg:golang/github.com/jackc/pgx/v5@v5.7.1" || b.Products[1].Subcomponents != nil {
		t.Errorf("second statement = %+v", b)
	}
	// The OpenVEX field names, as the spec spells them.
	data, _ := doc.JSON()
	for _, key := range []string{`"@context": "https://openvex.dev/ns/v0.2.0"`, `"@id": "urn:taskboard:openvex:sha256:`,
		`"timestamp": "2026-12-01T12:00:00Z"`, `"impact_statement"`, `"subcomponents"`, `"version": 1`} {
		if !bytes.Contains(data, []byte(key)) {
			t.Errorf("no %s in\n%s", key, data)
		}
	}
	// Same exceptions, same document id; one more exception, another id.
	again, _ := FromIgnores(cfg, Options{Products: []string{purl}, Author: "security@taskboard.example", Now: now})
	fewer, _ := FromIgnores(cfg, Options{Products: []string{purl}, Author: "security@taskboard.example", Now: now.AddDate(1, 0, 0)})
	if again.ID != doc.ID || fewer.ID == doc.ID || len(fewer.Statements) != 0 {
		t.Errorf("ids %s %s %s (statements a year later: %d)", doc.ID, again.ID, fewer.ID, len(fewer.Statements))
	}
}

func TestNoExceptionsIsAnEmptyValidDocument(t *testing.T) {
	purl, _ := ImagePURL(image)
	doc, err := FromIgnores(nil, Options{Products: []string{purl}, Author: "security@taskboard.example", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := doc.JSON()
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if st, ok := raw["statements"].([]any); !ok || len(st) != 0 || raw["@context"] != Context || raw["author"] == "" {
		t.Fatalf("empty document = %s", data)
	}
	if _, err := FromIgnores(nil, Options{Author: "a", Now: now}); err == nil {
		t.Fatal("a document without product")
	}
}

// A document dated by Timestamp is the same document all day: a cached scan that reads it is not
// run again for a new second, while the expiry still follows Now.
func TestTimestampDatesTheDocumentAndNowTheExpiry(t *testing.T) {
	cfg := ignores(t, `
vulnerabilities:
  - id: CVE-2026-2001
    purls: ["pkg:golang/example.com/lib@v1.0.0"]
    statement: the vulnerable function is not called
    justification: vulnerable_code_not_in_execute_path
    expired_at: 2026-12-08T15:00:00Z
`)
	day := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	opts := func(now time.Time) Options {
		return Options{Products: []string{"pkg:oci/x"}, Author: "security@taskboard.example", Now: now, Timestamp: day}
	}
	morning, err := FromIgnores(cfg, opts(day.Add(9*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	noon, _ := FromIgnores(cfg, opts(day.Add(12*time.Hour)))
	evening, _ := FromIgnores(cfg, opts(day.Add(18*time.Hour)))
	if !morning.Timestamp.Equal(day) || morning.ID != noon.ID {
		t.Fatalf("two documents of the same day differ: %s %v, %s %v", morning.ID, morning.Timestamp, noon.ID, noon.Timestamp)
	}
	if len(noon.Statements) != 1 || len(evening.Statements) != 0 || evening.ID == noon.ID {
		t.Fatalf("the exception expiring at 15:00 must apply at noon and not at 18:00: %d, %d statements", len(noon.Statements), len(evening.Statements))
	}
}
