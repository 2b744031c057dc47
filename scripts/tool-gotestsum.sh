#!/usr/bin/env bash
# Builds gotestsum as pinned in tools/testreports/go.mod (once) and prints the path of the binary,
# cached like the other tools: it writes the Go tests' JUnit. The module's test stages build the
# same pin (ci/test_reports.go); a test holds the version here to go.mod's.
set -euo pipefail

version=v1.13.0
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/gotestsum-${version}"
bin="$cache/gotestsum"

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building gotestsum ${version} into ${cache} (under a minute)" >&2
  (cd "$root/tools/testreports" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" gotest.tools/gotestsum) >&2
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
