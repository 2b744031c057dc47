#!/usr/bin/env bash
# Builds the Kyverno CLI of scripts/tool-kyverno.sh (tools/kyverno/go.mod's v1.19.1) with one
# patch, patches/kyverno-v1.19.1-attestation-insecure-ignore-tlog.patch: Kyverno 1.19.1 cannot
# verify attestations signed by key without a transparency log (kyverno/kyverno#17109), which is
# how the release signs. The attestation e2e (ci/signing) runs its admission matrix with this
# build, and pins the released CLI's refusal with the other. Cached; prints the binary's path.
set -euo pipefail

# renovate: datasource=go depName=github.com/kyverno/kyverno
version=v1.19.1
root="$(cd "$(dirname "$0")/.." && pwd)"
patchfile="$root/scripts/patches/kyverno-${version}-attestation-insecure-ignore-tlog.patch"
# The key is the patch and the pins, not where the checkout lives: every clone shares the build.
sum="$(cat "$patchfile" "$root/tools/kyverno/go.sum" | sha256sum | cut -c1-12)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/kyverno-${version}-attestations-${sum}"
bin="$cache/kyverno"

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building the patched Kyverno CLI ${version} into ${cache} (cold: 10+ minutes)" >&2
  (
    src="$(cd "$root/tools/kyverno" && go mod download -json "github.com/kyverno/kyverno@${version}" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    rm -rf "$cache/src" "$cache/mod"
    cp -r "$src" "$cache/src"
    chmod -R u+w "$cache/src"
    patch -d "$cache/src" -p1 <"$patchfile"
    mkdir -p "$cache/mod"
    cp "$root/tools/kyverno/go.mod" "$root/tools/kyverno/go.sum" "$cache/mod/"
    cd "$cache/mod"
    go mod edit -replace "github.com/kyverno/kyverno=$cache/src"
    CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" \
      -ldflags "-X github.com/kyverno/kyverno/pkg/version.BuildVersion=${version}-attestations" \
      github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno
  ) >&2
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
