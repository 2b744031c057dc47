// Package trivyreport reads Trivy JSON reports (SchemaVersion 2), applies the project's gate
// policy to them and renders the findings as Markdown. It needs no Dagger engine: the module runs
// Trivy in a container and hands the JSON to this package in the module process.
package trivyreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// SupportedSchemaVersion is the only Trivy JSON schema this package understands. Trivy has
// written SchemaVersion 2 since v0.20; a different value means the format changed under us.
const SupportedSchemaVersion = 2

// Report is the part of Trivy's JSON report (pkg/types/report.go in Trivy) that the gate reads.
// Field names are Trivy's own; unknown fields are ignored so newer reports still parse.
type Report struct {
	SchemaVersion int
	Trivy         TrivyInfo // the scanner's version (Trivy 0.58+)
	ReportID      string
	CreatedAt     time.Time
	ArtifactName  string
	ArtifactType  string
	Metadata      Metadata
	Results       []Result
}

// TrivyInfo is the report's "Trivy" object: the version of the Trivy that wrote it.
type TrivyInfo struct {
	Version string
}

// Metadata is the part of the scanned artifact's metadata that names it.
type Metadata struct {
	ImageID     string
	RepoDigests []string
	RepoTags    []string
}

// Result classes Trivy v0.74 writes (pkg/types/report.go, ResultClass).
const (
	ClassOSPkg       = "os-pkgs"
	ClassLangPkg     = "lang-pkgs"
	ClassConfig      = "config"
	ClassSecret      = "secret"
	ClassLicense     = "license"
	ClassLicenseFile = "license-file"
	// ClassCustom holds the CustomResources of Trivy modules (e.g. spring4shell): not findings,
	// and Trivy leaves their Target empty.
	ClassCustom = "custom"
)

// Result is one scanned target (a lock file, a Dockerfile, an OS package database...).
type Result struct {
	Target            string
	Class             string
	Type              string
	Vulnerabilities   []Vulnerability
	MisconfSummary    *MisconfSummary
	Misconfigurations []Misconfiguration
	Secrets           []Secret
	Licenses          []License
	CustomResources   []CustomResource
	// Findings Trivy itself set aside (--show-suppressed): ignored by a .trivyignore entry or
	// declared not affected by a VEX document. Informational: they are not findings.
	ModifiedFindings []ModifiedFinding `json:"ExperimentalModifiedFindings"`
}

// Vulnerability is Trivy's DetectedVulnerability, reduced to what the gate and the table need.
type Vulnerability struct {
	VulnerabilityID  string
	PkgID            string
	PkgName          string
	PkgPath          string
	PkgIdentifier    PkgIdentifier
	InstalledVersion string
	FixedVersion     string
	Status           string
	Severity         string
	Title            string
	PrimaryURL       string
}

// PkgIdentifier identifies a package; PURL is what `.trivyignore.yaml` entries match with `purls`.
type PkgIdentifier struct {
	PURL string
	UID  string
}

// MisconfSummary counts the checks that passed and failed on a config target.
type MisconfSummary struct {
	Successes int
	Failures  int
}

// Misconfiguration is Trivy's DetectedMisconfiguration. Only Status "FAIL" is a finding.
type Misconfiguration struct {
	Type          string
	ID            string
	AVDID         string
	Title         string
	Message       string
	Resolution    string
	Severity      string
	PrimaryURL    string
	Status        string
	CauseMetadata CauseMetadata
}

// CauseMetadata locates a misconfiguration in its file.
type CauseMetadata struct {
	Resource  string
	StartLine int
	EndLine   int
}

// Secret is Trivy's DetectedSecret. Trivy masks the secret itself in Match.
type Secret struct {
	RuleID    string
	Category  string
	Severity  string
	Title     string
	StartLine int
	EndLine   int
}

// License is Trivy's DetectedLicense: a license of a package (PkgName) or found in a file
// (FilePath), with the severity of its category (forbidden, restricted, ...).
type License struct {
	Severity   string
	Category   string
	PkgName    string
	FilePath   string
	Name       string
	Confidence float64
	Link       string
}

// CustomResource is what a Trivy module reported (ftypes.CustomResource). Data is free-form.
type CustomResource struct {
	Type     string
	FilePath string
	Data     json.RawMessage
}

// ModifiedFinding is one of Trivy's ExperimentalModifiedFindings.
type ModifiedFinding struct {
	Type      string // "vulnerability", "misconfiguration", "secret", "license"
	Status    string // "ignored", "not_affected", ...
	Statement string
	Source    string // the ignore file or VEX document that set the finding aside
}

// MisconfStatusFailure is the status of a failed configuration check.
const MisconfStatusFailure = "FAIL"

// ErrEmptyReport is returned for an empty input: a scan that wrote nothing must never pass.
var ErrEmptyReport = errors.New("trivy report is empty: the scan wrote nothing")

// Parse decodes a Trivy JSON report. Anything that is not a SchemaVersion 2 report is an error,
// so that a truncated or foreign file can never be mistaken for a clean scan.
func Parse(data []byte) (*Report, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmptyReport
	}
	var r Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("trivy report is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("trivy report has trailing data after the JSON document")
	}
	if r.SchemaVersion != SupportedSchemaVersion {
		return nil, fmt.Errorf("trivy report has SchemaVersion %d, want %d (is this a Trivy JSON report?)",
			r.SchemaVersion, SupportedSchemaVersion)
	}
	for i, res := range r.Results {
		// Only module results have no target; anywhere else an empty one means a damaged report.
		if res.Target == "" && res.Class != ClassCustom {
			return nil, fmt.Errorf("trivy report result %d (class %q) has no Target", i, res.Class)
		}
	}
	return &r, nil
}
