#!/usr/bin/env bash
# Builds gotestsum from the Go module proxy (once) and prints the path of the binary, cached
# like the other tools: it writes the Go tests' JUnit. The module's test stages build the same
# version (ci/testreports: a test holds both to one pin).
set -euo pipefail

version=v1.13.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/gotestsum-${version}"
bin="$cache/gotestsum"

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building gotestsum ${version} into ${cache} (under a minute)" >&2
  CGO_ENABLED=0 GOBIN="$cache" GOFLAGS=-trimpath go install "gotest.tools/gotestsum@${version}" >&2
fi
echo "$bin"
