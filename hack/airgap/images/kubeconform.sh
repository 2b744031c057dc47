#!/usr/bin/env bash
# Stand-in for ghcr.io/yannh/kubeconform:v0.8.0 (FROM scratch: /kubeconform,
# /openapi2jsonschema, the CA bundle; entrypoint ["/kubeconform"], user root, no shell).
# Differs from upstream: kubeconform v0.8.0 compiled from the Go module proxy (go install,
# static, -s -w, main.version=v0.8.0); /openapi2jsonschema is left out (its source is a separate,
# untagged module, and the pipeline never runs it); CA bundle from Debian; /tmp (1777) and an
# /etc/passwd with root and nobody are added. Still no shell, same entrypoint and path.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

work="$1"
rootfs="$work/rootfs"
version=v0.8.0

base_rootfs "$rootfs"
go_tool_bin github.com/yannh/kubeconform/cmd/kubeconform "$version" "$rootfs/kubeconform" \
  "-X main.version=$version"

out="$(chroot "$rootfs" /kubeconform -v)"
airgap_log "kubeconform -v: $out"
[ "$out" = "$version" ]

cat >"$work/image.conf" <<'JSON'
{
  "entrypoint": ["/kubeconform"],
  "labels": {
    "org.opencontainers.image.title": "kubeconform",
    "org.opencontainers.image.source": "https://github.com/yannh/kubeconform/",
    "org.opencontainers.image.description": "air-gap stand-in for ghcr.io/yannh/kubeconform:v0.8.0, built by hack/airgap"
  }
}
JSON
write_ref "$work" yannh/kubeconform:v0.8.0
