#!/usr/bin/env bash
# build-bin.sh OUT: the one Argo CD v3.6.2 binary (every component, chosen by argv[0]), built from
# the module zip of github.com/argoproj/argo-cd/v3@v3.6.2 with its own go.mod, as upstream's
# `make argocd-all` does (CGO_ENABLED=0, ./cmd, the same -X flags), with Go 1.27 (GOTOOLCHAIN,
# default go1.27.3; upstream builds with 1.27.4). Cached in $AIRGAP_CACHE/bin/argocd-v3.6.2/,
# rebuilt only when this file changes. 30+ minutes cold on two cores at nice 19.
# Differs from upstream's build:
#  - the module zip has no gitops-engine/ (a nested module is left out of its parent's zip): the
#    go.mod's `replace ... => ./gitops-engine` is dropped, so gitops-engine/v3 v3.6.2, the version
#    go.mod requires (the same tree, tagged with the release), comes from the proxy;
#  - no UI: ui/dist/app holds only upstream's placeholder (gitkeep) that go:embed needs; the API
#    server serves the API, gRPC and the CLI download paths, and an empty page at /;
#  - gitCommit is empty (the zip has no .git), buildDate is the proxy's time of the tag.
set -euo pipefail
out=$1
AIRGAP_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap"
VERSION=v3.6.2
BUILD_DATE=2026-11-18T18:55:45Z # the proxy's .info Time of argo-cd/v3 v3.6.2: reproducible
export GOTOOLCHAIN=${ARGOCD_GOTOOLCHAIN:-go1.27.3} GOFLAGS="-mod=mod -buildvcs=false"
dir=$AIRGAP_CACHE/bin/argocd-$VERSION
want="$(sha256sum "$0" | cut -c1-16) $GOTOOLCHAIN"
mkdir -p "$dir"
(
  flock 9
  if [ ! -x "$dir/argocd" ] || [ "$(cat "$dir/.built" 2>/dev/null)" != "$want" ]; then
    src=$(go mod download -json "github.com/argoproj/argo-cd/v3@$VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    [ -n "$src" ] || { echo "go mod download argo-cd/v3@$VERSION failed" >&2; exit 1; }
    w=$AIRGAP_CACHE/src/argo-cd-$VERSION
    rm -rf "$w"; mkdir -p "$(dirname "$w")"; cp -r "$src" "$w"; chmod -R u+w "$w"
    sed -i '/^replace github.com\/argoproj\/argo-cd\/gitops-engine\/v3 => .\/gitops-engine$/d' "$w/go.mod"
    ! grep -q '=> ./gitops-engine' "$w/go.mod" || { echo "go.mod still replaces gitops-engine" >&2; exit 1; }
    [ -e "$w/ui/dist/app/gitkeep" ] || { mkdir -p "$w/ui/dist/app/assets/images/resources"; touch "$w/ui/dist/app/gitkeep" "$w/ui/dist/app/assets/images/resources/.gitkeep"; }
    kubectl=$(cd "$w" && go list -m k8s.io/client-go | awk '{print $NF}')
    P=github.com/argoproj/argo-cd/v3/common
    LD="-s -w -X $P.version=${VERSION#v} -X $P.buildDate=$BUILD_DATE -X $P.gitCommit= -X $P.gitTreeState=clean"
    LD+=" -X $P.kubectlVersion=$kubectl -X $P.gitTag=$VERSION"
    echo "[argocd] go build ./cmd ($GOTOOLCHAIN, cold: 30+ minutes)" >&2
    t=$SECONDS
    (cd "$w" && CGO_ENABLED=0 GODEBUG="tarinsecurepath=0,zipinsecurepath=0" nice -n 19 go build -trimpath -ldflags "$LD" -o "$dir/argocd.tmp" ./cmd)
    mv "$dir/argocd.tmp" "$dir/argocd"
    echo "$want" >"$dir/.built"
    echo "[argocd] built in $((SECONDS - t)) s" >&2
  fi
) 9>"$dir/.lock"
mkdir -p "$(dirname "$out")"
install -m 0755 "$dir/argocd" "$out"
