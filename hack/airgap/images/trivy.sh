#!/usr/bin/env bash
# Stand-in for docker.io/aquasec/trivy:0.74.0 (Alpine 3.24 + ca-certificates + git, Trivy at
# /usr/local/bin/trivy, the report templates in /contrib/*.tpl, entrypoint ["trivy"], user root).
# Differs from upstream: Trivy is the static binary scripts/tool-trivy.sh builds from the Go
# module proxy (GOEXPERIMENT=jsonv2 like the release; not stripped; its version string is
# "0.74.0", as the release's); /contrib/*.tpl are copied from the same module;
# the base is Debian's static busybox instead of Alpine (sh and the usual applets; no apk and no
# git, which Trivy only runs for remote git repositories); CA bundle from Debian. Entrypoint,
# path, templates and user are the same.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

work="$1"
rootfs="$work/rootfs"
version=v0.74.0

# The same binary the repository's chart tests run (cached; a cold build takes 10+ minutes).
bin="$(bash "$AIRGAP_DIR/../../scripts/tool-trivy.sh")"
if ldd "$bin" >/dev/null 2>&1; then
  echo "$bin is dynamically linked; the stand-in needs a static (CGO_ENABLED=0) build" >&2
  exit 1
fi

busybox_rootfs "$rootfs"
install -D -m 0755 "$bin" "$rootfs/usr/local/bin/trivy"
src="$(cd /tmp && go mod download -json "github.com/aquasecurity/trivy@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
mkdir -p "$rootfs/contrib"
install -m 0644 "$src"/contrib/*.tpl "$rootfs/contrib/"

out="$(chroot "$rootfs" /bin/sh -euc 'trivy --version')"
airgap_log "$out"
grep -Eq "^Version: v?${version#v}$" <<<"$out"

cat >"$work/image.conf" <<'JSON'
{
  "entrypoint": ["trivy"],
  "labels": {"org.opencontainers.image.description": "air-gap stand-in for aquasec/trivy:0.74.0, built by hack/airgap"}
}
JSON
write_ref "$work" aquasec/trivy:0.74.0
