// Package vulnpredicate builds cosign's vulnerability attestation predicate
// (https://cosign.sigstore.dev/attestation/vuln/v1, cosign --type vuln) from a Trivy scan of an
// image: which scanner and database said what, when. Package signing attests it.
//
// The predicate carries the whole Trivy report as scanner.result, as Trivy's own cosign-vuln
// format does. The release scans for it WITHOUT --vex, so that the attestation keeps every
// finding and the OpenVEX attestation says which of them are accepted: the admission policy
// checks that no HIGH or CRITICAL finding is left uncovered.
package vulnpredicate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dagger/pipeline/trivyreport"
)

// PredicateType is cosign's vulnerability predicate type.
const PredicateType = "https://cosign.sigstore.dev/attestation/vuln/v1"

// VersionInfo is `trivy version --format json` run with the scan's --cache-dir: the scanner's
// version and the metadata of the vulnerability database the scan used.
type VersionInfo struct {
	Version         string
	VulnerabilityDB *DBMetadata
}

// DBMetadata is Trivy's metadata.json of the vulnerability database.
type DBMetadata struct {
	Version    int // database schema version (2)
	UpdatedAt  time.Time
	NextUpdate time.Time
}

// ParseVersion reads `trivy version --format json`. Without database metadata it is an error:
// an attestation must say which advisories the scan knew.
func ParseVersion(data []byte) (VersionInfo, error) {
	var v VersionInfo
	if err := json.Unmarshal(data, &v); err != nil {
		return VersionInfo{}, fmt.Errorf("vulnpredicate: trivy version output: %w", err)
	}
	if v.Version == "" {
		return VersionInfo{}, errors.New("vulnpredicate: trivy version output names no version")
	}
	if v.VulnerabilityDB == nil || v.VulnerabilityDB.UpdatedAt.IsZero() {
		return VersionInfo{}, errors.New("vulnpredicate: trivy version shows no vulnerability DB: run it with the scan's --cache-dir")
	}
	return v, nil
}

// Scan is one image scan, as the glue ran it.
type Scan struct {
	Report       []byte      // Trivy's JSON report of the image, scanned without --vex
	Trivy        VersionInfo // ParseVersion of `trivy version --format json --cache-dir <the scan's>`
	DBRepository string      // where the database came from (--db-repository), e.g. mirror.gcr.io/aquasec/trivy-db:2
	StartedOn    time.Time
	FinishedOn   time.Time
	Invocation   Invocation // optional: the run that scanned
}

// Invocation is the predicate's invocation object (cosign's field names).
type Invocation struct {
	Parameters any    `json:"parameters"` // e.g. the Trivy arguments
	URI        string `json:"uri"`
	EventID    string `json:"event_id"`
	BuilderID  string `json:"builder.id"`
}

type predicate struct {
	Invocation Invocation `json:"invocation"`
	Scanner    scanner    `json:"scanner"`
	Metadata   metadata   `json:"metadata"`
}

type scanner struct {
	URI     string          `json:"uri"`
	Version string          `json:"version"`
	DB      db              `json:"db"`
	Result  json.RawMessage `json:"result"`
}

// db extends cosign's {uri, version} with the database's update time, which says how current
// the advisories were; cosign's own decoding ignores the extra field.
type db struct {
	URI       string    `json:"uri"`
	Version   string    `json:"version"`
	UpdatedAt time.Time `json:"updatedAt"`
}

type metadata struct {
	ScanStartedOn  time.Time `json:"scanStartedOn"`
	ScanFinishedOn time.Time `json:"scanFinishedOn"`
}

// Predicate returns the vuln predicate of the scan as JSON.
func Predicate(s Scan) ([]byte, error) {
	r, err := trivyreport.Parse(s.Report)
	if err != nil {
		return nil, fmt.Errorf("vulnpredicate: %w", err)
	}
	switch {
	case s.Trivy.Version == "" || s.Trivy.VulnerabilityDB == nil:
		return nil, errors.New("vulnpredicate: Trivy's version and DB metadata are required (ParseVersion)")
	case r.Trivy.Version != "" && r.Trivy.Version != s.Trivy.Version:
		return nil, fmt.Errorf("vulnpredicate: the report was written by Trivy %s, the version info is of %s", r.Trivy.Version, s.Trivy.Version)
	case s.DBRepository == "":
		return nil, errors.New("vulnpredicate: DBRepository is required")
	case s.StartedOn.IsZero() || s.FinishedOn.Before(s.StartedOn):
		return nil, errors.New("vulnpredicate: the scan needs a start and a finish after it")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, s.Report); err != nil {
		return nil, err
	}
	return json.Marshal(predicate{
		Invocation: s.Invocation,
		Scanner: scanner{
			URI:     "pkg:github/aquasecurity/trivy@" + s.Trivy.Version,
			Version: s.Trivy.Version,
			DB: db{URI: s.DBRepository, Version: fmt.Sprint(s.Trivy.VulnerabilityDB.Version),
				UpdatedAt: s.Trivy.VulnerabilityDB.UpdatedAt.UTC()},
			Result: compact.Bytes(),
		},
		Metadata: metadata{ScanStartedOn: s.StartedOn.UTC(), ScanFinishedOn: s.FinishedOn.UTC()},
	})
}
