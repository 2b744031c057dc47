package main

import (
	"crypto/rand"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/toolimages"
)

// goCacheExport is where GoBuildCache copies the volume to.
const goCacheExport = "/export/go-build"

// WithGoCache starts the Go build cache (compiled packages and test results) from a directory
// that an earlier run exported with go-build-cache: a fresh engine's head start, as the
// pull-request pipeline restores it with Azure's Cache@2. Go's cache is content-addressed, so an
// entry from another commit is never wrong, only unused.
func (p *Pipeline) WithGoCache(
	// The Go build cache (GOCACHE) an earlier go-build-cache exported.
	buildCache *dagger.Directory,
) *Pipeline {
	c := *p
	c.GoBuildCacheSeed = buildCache
	return &c
}

// GoBuildCache exports this engine's Go build cache volume (GOCACHE), as the test stages left
// it, for the next fresh engine's with-go-cache.
//
// +cache="never"
func (p *Pipeline) GoBuildCache() *dagger.Directory {
	return p.withGoCaches(dag.Container().From(toolimages.Go)).
		// The copy must read the volume as it is now, not as an earlier copy found it.
		WithEnvVariable("TASKBOARD_GO_CACHE_EXPORT", rand.Text()).
		WithExec([]string{"sh", "-c", "mkdir -p " + goCacheExport + " && cp -a " + goBuildCachePath + "/. " + goCacheExport + "/"}).
		Directory(goCacheExport)
}
