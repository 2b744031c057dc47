// Command trivydb writes the tiny Trivy vulnerability database the tests scan with
// (ci/trivyreport/testdata/trivydb): Go advisories against the standard library, which Trivy
// reports for any Go binary (package "stdlib"),
// written by hack/enginetest/offline with trivy-db's own packages, so that the real Trivy finds
// real vulnerabilities offline. It is a separate module so that trivy-db stays out of ci/go.mod.
package main

import (
	"fmt"
	"os"

	"github.com/devsecops-reference/taskboard/hack/enginetest/offline"
)

// The advisories cover every fix status Trivy derives from a Go advisory: one with a fixed
// version ("fixed") and ones without ("affected"), at HIGH, CRITICAL and MEDIUM. Trivy derives a
// fixed version from a "< X" range, so the unfixed ones have no upper bound.
var advisories = []offline.GoAdvisory{
	{Module: "stdlib", VulnerableRange: "< 99.0.0", ID: "CVE-2099-1001", Severity: "HIGH",
		Title: "fixture: HIGH in the Go standard library, fixed in 99.0.0", FixedVersion: "99.0.0"},
	{Module: "stdlib", VulnerableRange: ">= 1.0.0", ID: "CVE-2099-1002", Severity: "CRITICAL",
		Title: "fixture: CRITICAL in the Go standard library, no fix"},
	{Module: "stdlib", VulnerableRange: ">= 1.0.0", ID: "CVE-2099-1003", Severity: "MEDIUM",
		Title: "fixture: MEDIUM in the Go standard library, no fix"},
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: trivydb OUTDIR")
		os.Exit(2)
	}
	if err := offline.BuildTrivyDB(os.Args[1], advisories); err != nil {
		fmt.Fprintln(os.Stderr, "trivydb:", err)
		os.Exit(1)
	}
}
