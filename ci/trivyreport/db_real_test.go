package trivyreport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/pipeline/trivytest"
)

// DBSnapshotScript with the real Trivy: a DB named by digest is downloaded as it is (the pin
// docs/PIPELINE.md offers), and a cache that holds a fresh DB is kept whatever repository is named
// next, which is why each repository list has a cache volume of its own (DBCacheKey).
func TestRealDBSnapshot(t *testing.T) {
	bin, host := trivytest.Binary(t), trivytest.Registry(t)
	db := trivytest.TrivyDB(t)
	pinned, other := trivytest.PushArtifact(t, host, "trivy-db", "2", db), trivytest.PushArtifact(t, host, "other-trivy-db", "2", db)
	cache, snapshot := t.TempDir(), filepath.Join(t.TempDir(), "snapshot")
	out, err := trivytest.RunScript(t, bin, DBSnapshotScript(cache, snapshot, true), DBRepositoriesEnv+"="+pinned)
	if err != nil || !strings.Contains(out, `Artifact successfully downloaded	repo="`+pinned+`"`) {
		t.Fatalf("the DB by digest: %v\n%s", err, out)
	}
	for _, f := range []string{"trivy.db", "metadata.json"} {
		if _, err := os.Stat(filepath.Join(snapshot, "db", f)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(snapshot, "policy")); !os.IsNotExist(err) {
		t.Fatalf("the DB snapshot carries a checks bundle: %v", err)
	}
	out, err = trivytest.RunScript(t, bin, DBSnapshotScript(cache, snapshot, true), DBRepositoriesEnv+"="+other)
	if err != nil || strings.Contains(out, "Downloading") {
		t.Fatalf("Trivy replaced a fresh cached DB because the repository changed: %v\n%s", err, out)
	}
}
