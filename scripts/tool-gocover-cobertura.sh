#!/usr/bin/env bash
# Builds gocover-cobertura as pinned in tools/testreports/go.mod (once) and prints the path of
# the binary, cached like the other tools: it turns Go coverage profiles into Cobertura. The
# module's test stages build the same pin (ci/test_reports.go); a test holds the version here
# to go.mod's.
set -euo pipefail

version=v1.5.0
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/gocover-cobertura-${version}"
bin="$cache/gocover-cobertura"

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building gocover-cobertura ${version} into ${cache} (under a minute)" >&2
  (cd "$root/tools/testreports" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" github.com/boumenot/gocover-cobertura) >&2
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
