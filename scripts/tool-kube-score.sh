#!/usr/bin/env bash
# Builds kube-score from the Go module proxy (once) and prints the path of the binary. The binary
# is cached between runs (a cold build takes a few minutes). Static (CGO_ENABLED=0), like the
# other tools.
set -euo pipefail

# renovate: datasource=go depName=github.com/zegl/kube-score
version=v1.20.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/kube-score-${version}"
bin="$cache/kube-score"

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building kube-score ${version} into ${cache} (cold: a few minutes)" >&2
  CGO_ENABLED=0 GOBIN="$cache" GOFLAGS=-trimpath \
    go install -ldflags "-X main.version=${version#v}" \
    "github.com/zegl/kube-score/cmd/kube-score@${version}" >&2
fi
echo "$bin"
