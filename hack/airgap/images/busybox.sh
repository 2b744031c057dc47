#!/usr/bin/env bash
# Stand-in for docker.io/library/busybox:1.37.0, the image of helm/app's `helm test` pod (its
# wget): Debian bookworm's static busybox (1.35.0) at /bin/busybox with a link per applet,
# /etc/passwd and /etc/group with root, nobody and nogroup, CMD ["sh"], user root, as upstream.
# Differs from upstream: busybox 1.35.0 with Debian's applet set, not 1.37.0 (uname and
# `busybox --help` say so); a CA bundle at /etc/ssl/certs (upstream has none).
# airgap-set: cluster
set -euo pipefail
. "$(dirname "$0")/../lib-debian.sh"

work="$1"
root="$work/rootfs"
busybox_rootfs "$root"
chroot "$root" /bin/sh -c 'wget --help 2>&1 | grep -q post-data' || { echo "busybox's wget has no --post-data" >&2; exit 1; }
write_image_conf "$work" '{"cmd": ["sh"], "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}'
write_ref "$work" "library/busybox:1.37.0"
