#!/usr/bin/env bash
# Builds a private Rekor transparency log from the Go module proxy (once) and prints the folder
# that holds its three programs: rekor-server, and the Trillian log server and log signer it
# stores its Merkle tree in (on PostgreSQL from Debian). Tests start them with
# ci/internal/rekorlog; docs/SECURITY.md says how to run the same log for real.
#
# Rekor v1 (rekor-server on Trillian), not Rekor v2 (rekor-tiles): the release records each
# signature and attestation through Rekor's v1 API and attaches the log's signed entry timestamp
# to it, which is what cosign and Kyverno 1.19's verifiers check offline.
set -euo pipefail

# renovate: datasource=go depName=github.com/sigstore/rekor
rekor=v1.6.5
# renovate: datasource=go depName=github.com/google/trillian
trillian=v1.8.0
# The Go toolchain rekor-server needs (Rekor 1.6 requires Go 1.27), from the module proxy.
# renovate: datasource=golang-version depName=go
go_toolchain=1.27.3
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/rekor-${rekor}-trillian-${trillian}"

mkdir -p "$cache"
# One build at a time: tests may ask for the tools concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$cache/trillian_log_server" ] || [ ! -x "$cache/trillian_log_signer" ]; then
  echo "building Trillian ${trillian} into ${cache} (cold: a few minutes)" >&2
  CGO_ENABLED=0 GOBIN="$cache" GOFLAGS=-trimpath nice go install \
    "github.com/google/trillian/cmd/trillian_log_server@${trillian}" \
    "github.com/google/trillian/cmd/trillian_log_signer@${trillian}" >&2
fi
if [ ! -f "$cache/storage.sql" ]; then
  # The PostgreSQL schema ships in Trillian's module, not in its binaries.
  dir="$(GOFLAGS=-mod=mod go mod download -json "github.com/google/trillian@${trillian}" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  cp "$dir/storage/postgresql/schema/storage.sql" "$cache/storage.sql.tmp"
  mv "$cache/storage.sql.tmp" "$cache/storage.sql"
fi
if [ ! -x "$cache/rekor-server" ]; then
  echo "building rekor-server ${rekor} into ${cache} (cold: a few minutes)" >&2
  CGO_ENABLED=0 GOBIN="$cache" GOFLAGS=-trimpath GOTOOLCHAIN="go${go_toolchain}" nice go install \
    -ldflags "-X sigs.k8s.io/release-utils/version.gitVersion=${rekor}" \
    "github.com/sigstore/rekor/cmd/rekor-server@${rekor}" >&2
fi
echo "$cache"
