#!/usr/bin/env bash
# Stand-in for ghcr.io/kyverno/kyverno-cli:v1.19.1 (built by ko on ko's default base,
# cgr.dev/chainguard/static: the CLI at /ko-app/kubectl-kyverno, entrypoint
# ["/ko-app/kubectl-kyverno"], user 65532 (nonroot), /ko-app on PATH, SSL_CERT_FILE and
# KO_DATA_PATH=/var/run/ko set, no shell).
# Differs from upstream: the CLI is the static binary scripts/tool-kyverno.sh builds from the Go
# module proxy (tools/kyverno/go.mod, Kyverno's own replaces; BuildVersion=v1.19.1, no build
# hash or time, not stripped); the base is hand-made, not Chainguard's: /etc/passwd and
# /etc/group with root, nobody and nonroot (65532, home /home/nonroot), /tmp, Debian's CA bundle,
# no tzdata. Entrypoint, path, user, environment and the absence of a shell are the same.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

work="$1"
rootfs="$work/rootfs"
version=v1.19.1

# The same binary the repository's chart tests run (cached; a cold build takes 10+ minutes).
bin="$(bash "$AIRGAP_DIR/../../scripts/tool-kyverno.sh")"
if ldd "$bin" >/dev/null 2>&1; then
  echo "$bin is dynamically linked; the stand-in needs a static (CGO_ENABLED=0) build" >&2
  exit 1
fi

base_rootfs "$rootfs"
add_user "$rootfs" nonroot 65532 65532 /home/nonroot
install -D -m 0755 "$bin" "$rootfs/ko-app/kubectl-kyverno"
mkdir -p "$rootfs/var/run/ko"

out="$(chroot --userspec=65532:65532 "$rootfs" /ko-app/kubectl-kyverno version)"
airgap_log "$out"
grep -q "Version: $version" <<<"$out"

cat >"$work/image.conf" <<'JSON'
{
  "entrypoint": ["/ko-app/kubectl-kyverno"],
  "user": "65532",
  "env": [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/ko-app",
    "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
    "KO_DATA_PATH=/var/run/ko"
  ],
  "labels": {"org.opencontainers.image.description": "air-gap stand-in for ghcr.io/kyverno/kyverno-cli:v1.19.1, built by hack/airgap"}
}
JSON
write_ref "$work" kyverno/kyverno-cli:v1.19.1
