#!/usr/bin/env bash
# Builds the Kyverno CLI pinned in tools/kyverno/go.mod from the Go module proxy (once) and prints
# the path of the binary. The binary is cached between runs: a cold build takes 10+ minutes.
set -euo pipefail

# renovate: datasource=go depName=github.com/kyverno/kyverno
version=v1.19.1
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/kyverno-${version}"
bin="$cache/kyverno"

# A Kyverno CLI of the same version provided by the caller: the pipeline's test stage copies it
# from the pinned kyverno-cli image instead of compiling it again.
if [ -n "${KYVERNO_BIN:-}" ]; then
  if [ ! -x "$KYVERNO_BIN" ]; then
    echo "KYVERNO_BIN=$KYVERNO_BIN is not an executable file" >&2
    exit 1
  fi
  echo "$KYVERNO_BIN"
  exit 0
fi

mkdir -p "$cache"
# One build at a time: tests and CI may ask for the tool concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building Kyverno CLI ${version} into ${cache} (cold: 10+ minutes)" >&2
  (
    cd "$root/tools/kyverno"
    CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" \
      -ldflags "-X github.com/kyverno/kyverno/pkg/version.BuildVersion=${version}" \
      github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno
  ) >&2
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
