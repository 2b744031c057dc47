package vex

import (
	"path/filepath"
	"strings"
	"testing"

	"dagger/pipeline/trivyreport"
	"dagger/pipeline/trivytest"
)

// The real Trivy, offline, reads the document this package writes: a finding covered by a live
// exception is set aside as not_affected, one whose exception expired is still reported, in a
// registry scan and in a tarball scan alike, and an image-wide statement about another image
// covers nothing.
func TestTrivyAppliesTheDocument(t *testing.T) {
	bin, cache := trivytest.Binary(t), trivytest.CacheDir(t)
	host := trivytest.Registry(t)
	ref := trivytest.PushGoImage(t, host)
	cfg := ignores(t, `
vulnerabilities:
  - id: `+trivytest.FixedHigh+`
    purls: ["pkg:golang/stdlib@`+goVersion(t, bin, cache, ref)+`"]
    statement: the server never parses the affected input
    justification: vulnerable_code_not_in_execute_path
    expired_at: 2027-01-01
  - id: `+trivytest.UnfixedCritical+`
    statement: accepted once, expired since
    justification: vulnerable_code_not_in_execute_path
    expired_at: 2026-11-01
`)
	scan := func(t *testing.T, product string) *trivyreport.Report {
		t.Helper()
		doc, err := FromIgnores(cfg, Options{Products: []string{product}, Author: "security@taskboard.example", Now: now})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "taskboard.openvex.json")
		if err := WriteFile(path, doc); err != nil {
			t.Fatal(err)
		}
		r, err := trivyreport.Parse(trivytest.ScanImage(t, bin, cache, ref, "--vex", path, "--show-suppressed"))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	t.Run("this image", func(t *testing.T) {
		purl, err := ImagePURL(ref)
		if err != nil {
			t.Fatal(err)
		}
		r := scan(t, purl)
		if got := ids(r.Findings()); got != trivytest.UnfixedCritical+","+trivytest.UnfixedMedium {
			t.Fatalf("findings = %s: only the live exception's finding may go", got)
		}
		var set []string
		for _, res := range r.Results {
			for _, m := range res.ModifiedFindings {
				set = append(set, m.Type+" "+m.Status+" "+m.Statement)
			}
		}
		if strings.Join(set, ";") != "vulnerability not_affected vulnerable_code_not_in_execute_path" {
			t.Fatalf("set aside by Trivy: %q", set)
		}
	})

	// Before the push the release scans a tarball: Trivy knows no digest, so the image product
	// cannot match, and the package product of the rule with purls applies alone.
	t.Run("this image as a tarball", func(t *testing.T) {
		purl, _ := ImagePURL(ref)
		doc, err := FromIgnores(cfg, Options{Products: []string{purl}, Author: "security@taskboard.example", Now: now})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "taskboard.openvex.json")
		if err := WriteFile(path, doc); err != nil {
			t.Fatal(err)
		}
		r, err := trivyreport.Parse(trivytest.ScanTarball(t, bin, cache, trivytest.Tarball(t, ref), "--vex", path))
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(r.Findings()); got != trivytest.UnfixedCritical+","+trivytest.UnfixedMedium {
			t.Fatalf("findings = %s", got)
		}
	})

	t.Run("another image", func(t *testing.T) {
		// A rule without purls speaks of the image only: about another image it covers nothing.
		imageOnly := ignores(t, "vulnerabilities:\n  - id: "+trivytest.FixedHigh+"\n    statement: not reachable\n"+
			"    justification: vulnerable_code_not_in_execute_path\n    expired_at: 2027-01-01\n")
		other, _ := ImagePURL(host + "/taskboard-frontend@sha256:" + strings.Repeat("0", 64))
		doc, err := FromIgnores(imageOnly, Options{Products: []string{other}, Author: "security@taskboard.example", Now: now})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "taskboard.openvex.json")
		if err := WriteFile(path, doc); err != nil {
			t.Fatal(err)
		}
		r, err := trivyreport.Parse(trivytest.ScanImage(t, bin, cache, ref, "--vex", path))
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(r.Findings()); got != trivytest.UnfixedCritical+","+trivytest.FixedHigh+","+trivytest.UnfixedMedium {
			t.Fatalf("findings = %s: a document about another image must cover nothing", got)
		}
	})

}

// goVersion is the stdlib version Trivy reports for the scanned binary (the Go that built it).
func goVersion(t *testing.T, bin, cache, ref string) string {
	t.Helper()
	r, err := trivyreport.Parse(trivytest.ScanImage(t, bin, cache, ref))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings() {
		if f.Package == "stdlib" {
			return f.Version
		}
	}
	t.Fatal("no stdlib finding")
	return ""
}

func ids(fs []trivyreport.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return strings.Join(out, ",")
}
