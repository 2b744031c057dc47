package main

import (
	"strings"
	"time"

	"dagger/pipeline/internal/dagger"
)

// DefaultTrivyDBRepositories are the OCI repositories of Trivy's vulnerability DB, tried in
// order: Google's mirror first (no rate limit), then GitHub's registry.
const DefaultTrivyDBRepositories = "mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2"

// TrivyDB downloads Trivy's vulnerability DB once and returns a snapshot of Trivy's cache
// directory holding it (db/trivy.db, db/metadata.json). Scans copy the snapshot into their own
// container and run with --skip-db-update, so concurrent scans never contend for the DB's lock.
//
// The download runs against a LOCKED cache volume: Trivy skips it when the cached DB is still
// fresh, and a concurrent run waits instead of writing the same files. The UTC date is part of
// the exec so that the engine re-checks freshness once a day instead of reusing yesterday's
// snapshot forever.
func trivyDB(repositories string) *dagger.Directory {
	if strings.TrimSpace(repositories) == "" {
		repositories = DefaultTrivyDBRepositories
	}
	const snapshot = "/trivy-db-snapshot"
	return withTrivyDBCache(trivyContainer()).
		WithEnvVariable("TRIVY_DB_DAY", time.Now().UTC().Format("2006-01-02")).
		WithEnvVariable("TRIVY_DB_REPOSITORIES", repositories).
		WithExec([]string{"sh", "-euc", `
trivy image --download-db-only --no-progress --cache-dir "` + trivyCachePath + `" --db-repository "$TRIVY_DB_REPOSITORIES"
rm -rf ` + snapshot + ` && mkdir -p ` + snapshot + `
cp -a "` + trivyCachePath + `/db" ` + snapshot + `/db
`}).
		Directory(snapshot)
}
