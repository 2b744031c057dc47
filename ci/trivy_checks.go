package main

import (
	"cmp"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/trivyreport"
)

// trivyCache is the --cache-dir every Trivy scan runs with: the DB snapshot and, when
// with-scan-policy names a checks bundle, that bundle under policy/. Without one there is no
// policy/, and the scans (all with --skip-check-update) run the checks compiled into the pinned
// Trivy (package trivyreport says how Trivy chooses).
func (p *Pipeline) trivyCache() *dagger.Directory {
	cache := p.trivyDB()
	if cmp.Or(p.TrivyChecks, trivyreport.EmbeddedChecks) == trivyreport.EmbeddedChecks {
		return cache
	}
	return cache.WithDirectory(".", p.trivyChecks())
}

// trivyChecks downloads the checks bundle with-scan-policy named (by digest or a full version
// tag, which with-scan-policy checked) and returns it in Trivy's cache layout (policy/). No cache
// volume and no date: the reference pins the content, so the engine's cache of this exec is
// right for as long as it lasts, and Trivy never keeps a bundle of another reference.
func (p *Pipeline) trivyChecks() *dagger.Directory {
	const snapshot = "/trivy-checks-snapshot"
	return trivyContainer().
		WithEnvVariable(trivyreport.ChecksBundleEnv, p.TrivyChecks).
		WithExec([]string{"sh", "-euc", trivyreport.ChecksSnapshotScript("/tmp/trivy-checks", snapshot, p.TrivyChecksInsecure)}).
		Directory(snapshot)
}
