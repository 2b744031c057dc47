#!/usr/bin/env bash
# Stand-in for docker.io/anchore/syft:v1.57.1 (FROM scratch: /syft, the CA bundle, an empty
# /tmp as working directory; entrypoint ["/syft"], user root, no shell).
# Differs from upstream: Syft v1.57.1 compiled from the Go module proxy (go install, static,
# -s -w) with the release's version ldflags (version 1.57.1, build date = the tag's time on the
# module proxy; the git commit is not known there, so `syft version` shows it as not provided);
# CA bundle from Debian; /tmp is 1777 and an /etc/passwd with root and nobody is added. Still no
# shell, same entrypoint, path and workdir.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

work="$1"
rootfs="$work/rootfs"
version=v1.57.1
# The time the module proxy records for the tag (go mod download -json ... | .Time).
build_date=2026-11-09T13:32:38Z

base_rootfs "$rootfs"
go_tool_bin github.com/anchore/syft/cmd/syft "$version" "$rootfs/syft" \
  "-X main.version=${version#v} -X main.buildDate=$build_date -X main.gitDescription=$version"

out="$(chroot "$rootfs" /syft version)"
airgap_log "$out"
grep -Eq "^Version: +${version#v}$" <<<"$out"

cat >"$work/image.conf" <<'JSON'
{
  "entrypoint": ["/syft"],
  "workdir": "/tmp",
  "labels": {"org.opencontainers.image.description": "air-gap stand-in for anchore/syft:v1.57.1, built by hack/airgap"}
}
JSON
write_ref "$work" anchore/syft:v1.57.1
