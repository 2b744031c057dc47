#!/usr/bin/env bash
# Builds Kyverno's controllers, the programs of its images (cmd/kyverno, kyverno-init,
# background-controller, cleanup-controller, reports-controller, readiness-checker), from the
# module pinned in tools/kyverno/go.mod, with the CLI's replaces and flags (so they share Go's
# build cache with scripts/tool-kyverno.sh), and prints the folder holding them. Static
# (CGO_ENABLED=0), stripped and versioned as Kyverno's Makefile builds them for ko
# (LD_FLAGS="-s -w -X .../pkg/version.BuildVersion=v1.19.1"). Cached; cold: 10+ minutes.
set -euo pipefail

# renovate: datasource=go depName=github.com/kyverno/kyverno
version=v1.19.1
root="$(cd "$(dirname "$0")/.." && pwd)"
cmds=(kyverno kyverno-init background-controller cleanup-controller reports-controller readiness-checker)
ldflags="-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=${version}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/kyverno-${version}-controllers"
want="$(cat "$root/tools/kyverno/go.mod" "$root/tools/kyverno/go.sum" | sha256sum | cut -c1-16) ${cmds[*]} $ldflags"

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [ "$(cat "$cache/.built" 2>/dev/null || true)" != "$want" ]; then
  echo "building Kyverno ${version} controllers into ${cache} (cold: 10+ minutes)" >&2
  rm -rf "$cache/.out" && mkdir -p "$cache/.out"
  pkgs=()
  for c in "${cmds[@]}"; do pkgs+=("github.com/kyverno/kyverno/cmd/$c"); done
  (
    cd "$root/tools/kyverno"
    CGO_ENABLED=0 nice -n 19 go build -trimpath -o "$cache/.out/" -ldflags "$ldflags" "${pkgs[@]}"
  ) >&2
  for c in "${cmds[@]}"; do mv "$cache/.out/$c" "$cache/$c"; done
  rmdir "$cache/.out"
  echo "$want" >"$cache/.built"
fi
echo "$cache"
