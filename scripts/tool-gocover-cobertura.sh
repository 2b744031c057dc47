#!/usr/bin/env bash
# Builds gocover-cobertura from the Go module proxy (once) and prints the path of the binary,
# cached like the other tools: it turns Go coverage profiles into Cobertura. The module's test
# stages build the same version (ci/testreports: a test holds both to one pin).
set -euo pipefail

version=v1.5.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/gocover-cobertura-${version}"
bin="$cache/gocover-cobertura"

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building gocover-cobertura ${version} into ${cache} (under a minute)" >&2
  CGO_ENABLED=0 GOBIN="$cache" GOFLAGS=-trimpath go install "github.com/boumenot/gocover-cobertura@${version}" >&2
fi
echo "$bin"
