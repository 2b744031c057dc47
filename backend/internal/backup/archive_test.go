package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/migrate"
)

// testArchive writes an archive of one table the way Dump does, without a database.
func testArchive(t *testing.T, rows string) []byte { return testArchiveAt(t, rows, 2) }

func testArchiveAt(t *testing.T, rows string, schema int) []byte {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "table")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(rows); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(rows))
	m := Manifest{
		Format: FormatVersion, CreatedAt: time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC), SchemaVersion: schema,
		ServerVersion: "15.18", Database: "taskboard",
		Tables: []Table{{Name: "tasks", Columns: []string{"id", "title"}, Rows: int64(strings.Count(rows, "\n")),
			Bytes: int64(len(rows)), SHA256: hex.EncodeToString(sum[:])}},
	}
	var buf bytes.Buffer
	if err := writeArchive(&buf, m, []*os.File{f}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestInspectReadsWhatDumpWrites(t *testing.T) {
	m, err := Inspect(bytes.NewReader(testArchive(t, "1\tfirst\n2\tsecond\n")))
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != 2 || m.ServerVersion != "15.18" || len(m.Tables) != 1 || m.Tables[0].Rows != 2 {
		t.Errorf("manifest read back as %+v", m)
	}
}

// The object checksum catches damage first; Inspect is the second line, for
// an archive whose metadata was rewritten with it or a bug in the writer.
func TestInspectRefusesDamagedArchives(t *testing.T) {
	good := testArchive(t, strings.Repeat("1\ta task title long enough to compress\n", 200))
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x01
	for name, body := range map[string][]byte{
		"truncated":   good[:len(good)-20],
		"half":        good[:len(good)/2],
		"flipped bit": flipped,
		"empty":       nil,
		"not gzip":    []byte("PGDMP custom-format archive"),
	} {
		if _, err := Inspect(bytes.NewReader(body)); err == nil {
			t.Errorf("%s archive: Inspect accepted it", name)
		}
	}
}

// A backup taken by a newer image (a schema this binary has no migrations for) is refused before
// the database is used: Load gets no connection here and must not need one.
func TestLoadRefusesANewerSchema(t *testing.T) {
	_, err := Load(context.Background(), nil, bytes.NewReader(testArchiveAt(t, "1\tx\n", migrate.Latest()+1)), "")
	if err == nil || !strings.Contains(err.Error(), "this binary knows up to") {
		t.Errorf("Load of a newer schema: %v", err)
	}
}

func TestObjectKeysSortByTime(t *testing.T) {
	earlier := ObjectKey("prod/", time.Date(2026, 12, 7, 9, 5, 0, 0, time.UTC))
	later := ObjectKey("prod/", time.Date(2026, 12, 7, 11, 0, 0, 0, time.FixedZone("CET", 3600))) // 10:00 UTC
	if earlier != "prod/taskboard-20261207T090500Z.tar.gz" || !(earlier < later) {
		t.Errorf("keys %q, %q", earlier, later)
	}
	for key, want := range map[string]bool{
		earlier:                        true,
		"prod/taskboard-latest.tar.gz": false,
		"prod/old/taskboard-20261207T090500Z.tar.gz": false,
		"other/taskboard-20261207T090500Z.tar.gz":    false,
	} {
		if got := IsBackupKey("prod/", key); got != want {
			t.Errorf("IsBackupKey(prod/, %q) = %v, want %v", key, got, want)
		}
	}
	if NormalizePrefix("/a/b/") != "a/b/" || NormalizePrefix("") != "" {
		t.Errorf("NormalizePrefix")
	}
}

func TestS3ConfigFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cfg, err := S3ConfigFromEnv(env("BACKUP_S3_BUCKET", "b", "BACKUP_S3_PREFIX", "taskboard/prod"))
	if err != nil || cfg.SSE != "AES256" || cfg.Prefix != "taskboard/prod/" {
		t.Errorf("defaults: %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{
		{},
		{"BACKUP_S3_BUCKET", "b", "BACKUP_S3_SSE", "aws:kms:dsse"},
		{"BACKUP_S3_BUCKET", "b", "BACKUP_S3_KMS_KEY_ID", "alias/x"},
		{"BACKUP_S3_BUCKET", "b", "BACKUP_S3_PATH_STYLE", "maybe"},
	} {
		if _, err := S3ConfigFromEnv(env(bad...)); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}
