package main

import (
	"time"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/trivyreport"
)

// trivyDB downloads Trivy's vulnerability DB once from with-scan-policy's repositories and
// returns a snapshot of Trivy's cache directory holding it (db/trivy.db, db/metadata.json).
// Scans copy the snapshot into their own container and run with --skip-db-update, so concurrent
// scans never contend for the DB's lock.
//
// The download runs against a LOCKED cache volume of these repositories: Trivy skips it when the
// cached DB is still fresh, and a concurrent run waits instead of writing the same files. The
// UTC date is part of the exec so that the engine re-checks freshness once a day instead of
// reusing yesterday's snapshot forever. Unlike the checks (trivyChecks), the DB moves by design:
// a new advisory must stop the next build; a digest in --db-repository pins it.
func (p *Pipeline) trivyDB() *dagger.Directory {
	const snapshot = "/trivy-db-snapshot"
	return withTrivyDBCache(trivyContainer(), p.TrivyDB).
		WithEnvVariable("TRIVY_DB_DAY", scanDay().Format("2006-01-02")).
		WithEnvVariable(trivyreport.DBRepositoriesEnv, p.TrivyDB).
		WithExec([]string{"sh", "-euc", trivyreport.DBSnapshotScript(trivyCachePath, snapshot, p.TrivyDBInsecure)}).
		Directory(snapshot)
}

// scanDay is the UTC day of this run: the DB's freshness is checked by it, and the filesystem
// scan's VEX document is dated by it. So a rerun on the same day with the same files is answered
// from the cache, and the first run of a new day scans again.
func scanDay() time.Time { return time.Now().UTC().Truncate(24 * time.Hour) }
