#!/usr/bin/env bash
# Builds the Helm v3 CLI from the Go module proxy (once) and prints the path of the binary: the
# client docs/SETUP.md installs Kyverno's chart with (`helm install kyverno kyverno/kyverno
# --version 3.9.1`; Helm 3.8 or later), which make test-cluster runs the same way. Static, with
# the version ldflags of Helm's Makefile (no git commit: the proxy's zip has none). Cold: minutes.
set -euo pipefail

# renovate: datasource=go depName=helm.sh/helm/v3
version=v3.22.1
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/helm-${version}"
bin="$cache/helm"

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  echo "building helm ${version} into ${cache} (cold: several minutes)" >&2
  rm -rf "$cache/.gobin"
  CGO_ENABLED=0 GOBIN="$cache/.gobin" GOFLAGS=-trimpath nice -n 19 \
    go install -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${version} -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    "helm.sh/helm/v3/cmd/helm@${version}" >&2
  mv "$cache/.gobin/helm" "$bin"
  rmdir "$cache/.gobin"
fi
echo "$bin"
