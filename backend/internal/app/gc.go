package app

import "runtime/debug"

// defaultGCPercent is the server's GOGC unless the environment sets one. Its
// live heap is about 1 MB, so at Go's default (100) the collector ran some 50
// times a second under the benchmark's load (GODEBUG=gctrace=1). At 400 the
// list served about 10% more requests with a lower p99, for a peak RSS of
// 33 MiB instead of 21 (make bench-backend, backend/README.md).
const defaultGCPercent = 400

// tuneGC applies defaultGCPercent when GOGC is not set: an operator's GOGC
// (or GOMEMLIMIT, which the runtime honours either way) still decides.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
