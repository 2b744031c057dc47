#!/usr/bin/env bash
# Stand-in for docker.io/alpine/helm:4.3.1 (Alpine 3 + the Helm release binary at /usr/bin/helm,
# entrypoint ["helm"], cmd ["--help"], workdir /apps, user root).
# Differs from upstream: Helm v4.3.1 compiled from the Go module proxy (go install, static,
# -s -w) instead of the get.helm.sh tarball, so `helm version` shows an empty GitCommit; the
# base is Debian's static busybox (sh and the usual applets in /bin) instead of Alpine, so there
# is no apk, no curl and no git; CA bundle from Debian. Entrypoint, cmd, workdir, user, the
# binary's path and the Kubernetes version Helm reports (from its client-go) are the same.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

work="$1"
rootfs="$work/rootfs"
version=v4.3.1

busybox_rootfs "$rootfs"
go_tool_bin helm.sh/helm/v4/cmd/helm "$version" "$rootfs/usr/bin/helm" \
  "-X helm.sh/helm/v4/internal/version.version=$version -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
mkdir -p "$rootfs/apps"

# The binary runs from the rootfs and reports the pinned version and a Kubernetes version.
out="$(chroot "$rootfs" /bin/sh -c 'cd /apps && helm version')"
airgap_log "$out"
grep -q "Version:\"$version\"" <<<"$out"
grep -Eq 'KubeClientVersion:"v1\.[0-9]+"' <<<"$out"

cat >"$work/image.conf" <<'JSON'
{
  "entrypoint": ["helm"],
  "cmd": ["--help"],
  "workdir": "/apps",
  "labels": {"org.opencontainers.image.description": "air-gap stand-in for alpine/helm:4.3.1, built by hack/airgap"}
}
JSON
write_ref "$work" alpine/helm:4.3.1
