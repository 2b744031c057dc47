package main

import (
	"time"

	"dagger/pipeline/internal/dagger"
)

// trivyDB downloads Trivy's vulnerability DB once from the configured repositories (with-mirrors)
// and returns a snapshot of Trivy's cache directory holding it (db/trivy.db, db/metadata.json).
// Scans copy the snapshot into their own container and run with --skip-db-update, so concurrent
// scans never contend for the DB's lock.
//
// The download runs against a LOCKED cache volume: Trivy skips it when the cached DB is still
// fresh, and a concurrent run waits instead of writing the same files. The UTC date is part of
// the exec so that the engine re-checks freshness once a day instead of reusing yesterday's
// snapshot forever.
func (p *Pipeline) trivyDB() *dagger.Directory {
	const snapshot = "/trivy-db-snapshot"
	insecure := ""
	if p.TrivyDBInsecure {
		insecure = "--insecure"
	}
	return withTrivyDBCache(trivyContainer()).
		WithEnvVariable("TRIVY_DB_DAY", time.Now().UTC().Format("2006-01-02")).
		WithEnvVariable("TRIVY_DB_REPOSITORIES", p.TrivyDB).
		WithExec([]string{"sh", "-euc", `
trivy image --download-db-only --no-progress --cache-dir "` + trivyCachePath + `" --db-repository "$TRIVY_DB_REPOSITORIES" ` + insecure + `
rm -rf ` + snapshot + ` && mkdir -p ` + snapshot + `
cp -a "` + trivyCachePath + `/db" ` + snapshot + `/db
`}).
		Directory(snapshot)
}
