package offline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	"github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy-db/pkg/vulnsrc/bucket"
	"github.com/aquasecurity/trivy-db/pkg/vulnsrc/vulnerability"
	bolt "go.etcd.io/bbolt"
)

// GoAdvisory is one vulnerability of a Go module, as the GitHub Security Advisory data source
// of Trivy's database records it.
type GoAdvisory struct {
	Module          string // module path, e.g. "github.com/gobwas/glob"
	VulnerableRange string // Trivy version constraint, e.g. "< 99.0.0" or ">= 0.1.0, < 0.2.4"
	ID              string // vulnerability ID, e.g. "CVE-2099-0001"
	Severity        string // UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL
	Title           string
	FixedVersion    string // optional: the first version without the vulnerability
}

// goGHSADataSource is the data source trivy-db's GHSA importer records for Go advisories. Its
// bucket, "go::GitHub Security Advisory Go", is one of the "go::" buckets Trivy's gomod and
// gobinary detectors read.
var goGHSADataSource = types.DataSource{
	ID:   vulnerability.GHSA,
	Name: "GitHub Security Advisory Go",
	URL:  "https://github.com/advisories?query=type%3Areviewed+ecosystem%3Ago",
}

// trivy-db's pkg/db keeps its connection in a package variable: one build at a time.
var trivyDBMu sync.Mutex

// BuildTrivyDB writes outDir/trivy.db and outDir/metadata.json: a Trivy vulnerability database
// (schema version db.SchemaVersion = 2) that holds only the given Go advisories, written with
// trivy-db's own packages in the layout its builder produces. metadata.json says the database
// was updated and downloaded now and needs no update for ten years, so Trivy 0.74 takes it with
// --skip-db-update as well as after downloading it (see PushTrivyDB).
func BuildTrivyDB(outDir string, advisories []GoAdvisory) error {
	trivyDBMu.Lock()
	defer trivyDBMu.Unlock()

	for _, f := range []string{db.Path(outDir), metadata.Path(outDir)} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	bkt, err := bucket.NewGo(goGHSADataSource)
	if err != nil {
		return err
	}
	if err := db.Init(outDir); err != nil {
		return err
	}
	dbc := db.Config{}
	err = dbc.BatchUpdate(func(tx *bolt.Tx) error {
		if err := dbc.PutDataSource(tx, bkt.Name(), goGHSADataSource); err != nil {
			return err
		}
		for _, a := range advisories {
			if err := putGoAdvisory(dbc, tx, bkt.Name(), a); err != nil {
				return fmt.Errorf("%s %s: %w", a.ID, a.Module, err)
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(db.Path(outDir), 0o644); err != nil {
		return err
	}

	now := time.Now().UTC()
	return metadata.NewClient(outDir).Update(metadata.Metadata{
		Version:      db.SchemaVersion,
		NextUpdate:   now.AddDate(10, 0, 0),
		UpdatedAt:    now,
		DownloadedAt: now,
	})
}

// putGoAdvisory stores one advisory as trivy-db's builder leaves it after its optimize step:
// the advisory under <bucket>/<module>/<ID>, and the normalized vulnerability under
// vulnerability/<ID> (from a GHSA vulnerability detail, which gives the severity Trivy reports).
func putGoAdvisory(dbc db.Config, tx *bolt.Tx, bucketName string, a GoAdvisory) error {
	if a.Module == "" || a.ID == "" || a.VulnerableRange == "" {
		return fmt.Errorf("Module, ID and VulnerableRange are required")
	}
	sev := types.SeverityUnknown
	if a.Severity != "" {
		var err error
		if sev, err = types.NewSeverity(a.Severity); err != nil {
			return err
		}
	}
	adv := types.Advisory{VulnerableVersions: []string{a.VulnerableRange}}
	if a.FixedVersion != "" {
		adv.PatchedVersions = []string{a.FixedVersion}
	}
	if err := dbc.PutAdvisory(tx, []string{bucketName, a.Module}, a.ID, adv); err != nil {
		return err
	}
	details := map[types.SourceID]types.VulnerabilityDetail{
		vulnerability.GHSA: {
			ID:          a.ID,
			Severity:    sev,
			Title:       a.Title,
			Description: a.Title,
		},
	}
	return dbc.PutVulnerability(tx, a.ID, vulnerability.New(dbc).Normalize(a.ID, details))
}

// trivyDBFiles are the files of a database directory, in the order the layer holds them.
func trivyDBFiles(dbDir string) []string {
	return []string{filepath.Base(db.Path(dbDir)), filepath.Base(metadata.Path(dbDir))}
}
