#!/usr/bin/env bash
# Builds versitygw (an S3 API server over a directory) from the Go module proxy (once) and prints
# the path of the binary. The backup drill (backend/internal/backup) serves its bucket with it: a
# real S3 implementation, not a mock. Cached between runs like the other tools; static
# (CGO_ENABLED=0) and nice'd, since a cold build takes a few minutes on a shared machine.
set -euo pipefail

# renovate: datasource=go depName=github.com/versity/versitygw
version=v1.8.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/versitygw-${version}"
bin="$cache/versitygw"

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building versitygw ${version} into ${cache} (cold: a few minutes)" >&2
  CGO_ENABLED=0 GOBIN="$cache" GOFLAGS=-trimpath \
    nice go install "github.com/versity/versitygw/cmd/versitygw@${version}" >&2
fi
echo "$bin"
