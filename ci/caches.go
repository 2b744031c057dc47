package main

import (
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/trivyreport"
)

// Cache volume names. Shared by every function of the module (validate and release) so that a
// laptop or an agent with a warm engine reuses downloads; bump the suffix to start afresh.
const (
	CacheGoModules = "taskboard-go-mod-v1"
	CacheGoBuild   = "taskboard-go-build-v1"
	CacheNpm       = "taskboard-npm-v1"
	CacheTrivyDB   = "taskboard-trivy-db-v1"
)

// Paths the caches are mounted at.
const (
	goModCachePath   = "/go/pkg/mod"
	goBuildCachePath = "/root/.cache/go-build"
	npmCachePath     = "/root/.npm"
	// trivyCachePath is Trivy's --cache-dir; the vulnerability DB lives in its db/ subdirectory.
	trivyCachePath = "/root/.cache/trivy"
)

// withGoCaches mounts the Go module and build caches and points the toolchain at them.
func withGoCaches(c *dagger.Container) *dagger.Container {
	return c.
		WithMountedCache(goModCachePath, dag.CacheVolume(CacheGoModules)).
		WithEnvVariable("GOMODCACHE", goModCachePath).
		WithMountedCache(goBuildCachePath, dag.CacheVolume(CacheGoBuild)).
		WithEnvVariable("GOCACHE", goBuildCachePath)
}

// withNpmCache mounts npm's download cache; `npm ci` still installs from the lock file.
func withNpmCache(c *dagger.Container) *dagger.Container {
	return c.
		WithMountedCache(npmCachePath, dag.CacheVolume(CacheNpm)).
		WithEnvVariable("npm_config_cache", npmCachePath)
}

// withTrivyDBCache mounts the Trivy cache volume of these DB repositories for the one exec that
// downloads the DB. LOCKED: concurrent downloads queue instead of corrupting each other's files.
// One volume per repository list (trivyreport.DBCacheKey): Trivy keeps a cached DB until its
// NextUpdate whatever --db-repository says, so a shared volume would hide a new mirror or pin.
func withTrivyDBCache(c *dagger.Container, repositories string) *dagger.Container {
	return c.WithMountedCache(trivyCachePath, dag.CacheVolume(CacheTrivyDB+"-"+trivyreport.DBCacheKey(repositories)),
		dagger.ContainerWithMountedCacheOpts{Sharing: dagger.CacheSharingModeLocked})
}
