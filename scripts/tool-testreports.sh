#!/usr/bin/env bash
# Builds one of the report converters pinned in tools/testreports/go.mod (once) and prints the
# path of its binary, cached like the other tools: gotestsum writes the Go tests' JUnit,
# gocover-cobertura turns coverage profiles into Cobertura. The version is go.mod's, the same pin
# the module's test stages build (ci/test_reports.go).
# Usage: scripts/tool-testreports.sh gotestsum|gocover-cobertura
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/tools/testreports"
case "${1:-}" in
  gotestsum) pkg=gotest.tools/gotestsum ;;
  gocover-cobertura) pkg=github.com/boumenot/gocover-cobertura ;;
  *) echo "usage: $0 gotestsum|gocover-cobertura" >&2; exit 2 ;;
esac
name="$1"
version="$(cd "$tools" && go list -m -f '{{.Version}}' "$pkg")"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/${name}-${version}"
bin="$cache/$name"

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building ${name} ${version} into ${cache} (under a minute)" >&2
  (cd "$tools" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" "$pkg") >&2
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
