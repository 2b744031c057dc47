#!/usr/bin/env bash
# Builds the cosign v3 CLI from the Go module proxy (once) and prints the path of the binary. The
# release signs with cosign's v2 Go packages; tests run this CLI to prove that what a user of the
# current cosign runs (`cosign verify`, `cosign verify-attestation --type ...`) accepts it too.
# v3.1.2 is the cosign the pinned Kyverno 1.19 CLI verifies with (tools/kyverno/go.mod).
set -euo pipefail

# renovate: datasource=go depName=github.com/sigstore/cosign/v3
version=v3.1.2
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/cosign-${version}"
bin="$cache/cosign"

mkdir -p "$cache"
# One build at a time: tests may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building cosign ${version} into ${cache} (cold: several minutes)" >&2
  CGO_ENABLED=0 GOBIN="$cache" GOFLAGS=-trimpath \
    go install -ldflags "-X sigs.k8s.io/release-utils/version.gitVersion=${version}" \
    "github.com/sigstore/cosign/v3/cmd/cosign@${version}" >&2
fi
echo "$bin"
