// Package backup takes and restores logical backups of the application's own
// schema: one consistent snapshot (REPEATABLE READ, READ ONLY) holding the
// schema version, a COPY of every table and the position of every sequence.
// Restore rebuilds the schema with the application's migrations up to that
// version, copies the rows back and sets the sequences, in one transaction.
// backend/README.md ("Backups") says why this format and not pg_dump.
package backup

import (
	"fmt"
	"strings"
	"time"
)

// FormatVersion is the layout of the archive; restore refuses others.
const FormatVersion = 1

// manifestName is the first member of the archive.
const manifestName = "manifest.json"

// Manifest describes one backup. It is the first member of the archive, and
// its main facts are repeated in the S3 object's metadata.
type Manifest struct {
	Format        int       `json:"format"`
	CreatedAt     time.Time `json:"createdAt"`
	SchemaVersion int       `json:"schemaVersion"`
	ServerVersion string    `json:"serverVersion"`
	Database      string    `json:"database"`
	Tables        []Table   `json:"tables"`
	Sequences     []Seq     `json:"sequences"`
}

// Table is one table's COPY (text format), a member of the archive named Member().
type Table struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
	Bytes   int64    `json:"bytes"`
	SHA256  string   `json:"sha256"`
}

// Member is the archive member holding the table's rows.
func (t Table) Member() string { return "tables/" + t.Name + ".copy" }

// Seq is a sequence's position: setval(name, last_value, is_called) puts it back.
type Seq struct {
	Name      string `json:"name"`
	LastValue int64  `json:"lastValue"`
	IsCalled  bool   `json:"isCalled"`
}

// keyPrefix and keySuffix frame every object's name: <prefix>taskboard-<UTC time>.tar.gz.
// The time sorts as text, so the newest backup is the greatest key.
const (
	keyPrefix  = "taskboard-"
	keySuffix  = ".tar.gz"
	timeLayout = "20060102T150405Z"
)

// ObjectKey names the object of a backup taken at t under prefix ("" or ending in "/").
func ObjectKey(prefix string, t time.Time) string {
	return prefix + keyPrefix + t.UTC().Format(timeLayout) + keySuffix
}

// IsBackupKey tells whether key is named like ObjectKey's keys, directly under prefix.
func IsBackupKey(prefix, key string) bool {
	name, ok := strings.CutPrefix(key, prefix)
	if !ok || strings.Contains(name, "/") {
		return false
	}
	stamp, ok := strings.CutPrefix(name, keyPrefix)
	if !ok {
		return false
	}
	stamp, ok = strings.CutSuffix(stamp, keySuffix)
	if !ok {
		return false
	}
	_, err := time.Parse(timeLayout, stamp)
	return err == nil
}

// NormalizePrefix makes a prefix end in "/" (or stay empty).
func NormalizePrefix(p string) string {
	p = strings.Trim(p, "/")
	if p == "" {
		return ""
	}
	return p + "/"
}

func (m Manifest) check() error {
	if m.Format != FormatVersion {
		return fmt.Errorf("backup format %d, this binary reads format %d", m.Format, FormatVersion)
	}
	if m.SchemaVersion <= 0 {
		return fmt.Errorf("backup manifest has no schema version")
	}
	return nil
}
