#!/usr/bin/env bash
# Builds Trivy from the Go module proxy (once) and prints the path of the binary. The binary is
# cached between runs: a cold build takes 10+ minutes. Trivy needs the jsonv2 experiment. The
# version string is "0.74.0" without the "v", as the release binaries and `trivy version` say. Static
# (CGO_ENABLED=0), so that the same binary also goes into the engine stand-in image (hack/airgap).
set -euo pipefail

# renovate: datasource=go depName=github.com/aquasecurity/trivy
version=v0.74.0
# The recipe is part of the cache key: bump it when the build flags change, so that a binary built
# the old way is not reused.
recipe=2
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/trivy-${version}-r${recipe}"
bin="$cache/trivy"

# A Trivy of the same version provided by the caller: the pipeline's test stage copies it from the
# pinned trivy image instead of compiling it again.
if [ -n "${TRIVY_BIN:-}" ]; then
  if [ ! -x "$TRIVY_BIN" ]; then
    echo "TRIVY_BIN=$TRIVY_BIN is not an executable file" >&2
    exit 1
  fi
  echo "$TRIVY_BIN"
  exit 0
fi

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building Trivy ${version} into ${cache} (cold: 10+ minutes)" >&2
  CGO_ENABLED=0 GOEXPERIMENT=jsonv2 GOBIN="$cache" GOFLAGS=-trimpath \
    go install -ldflags "-X github.com/aquasecurity/trivy/pkg/version/app.ver=${version#v}" \
    "github.com/aquasecurity/trivy/cmd/trivy@${version}" >&2
fi
echo "$bin"
