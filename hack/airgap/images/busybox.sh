#!/usr/bin/env bash
# Stand-in for docker.io/library/busybox:1.37.0, the image of helm/app's `helm test` pod (its
# wget): Debian trixie's static busybox 1.37.0 (busybox-static 1:1.37.0-6+b9, fetched from the
# Debian archive by its pinned SHA-256: bookworm's 1.35.0 segfaults on `wget -T`, which the test
# pod runs) at /bin/busybox with a link per applet, /etc/passwd and /etc/group, CMD ["sh"], user
# root, as upstream.
# Differs from upstream: Debian's applet set and build of 1.37.0 (static glibc, not uclibc: a name
# lookup needs no NSS library for `files` and DNS here, as the chart's test uses Service names);
# a CA bundle at /etc/ssl/certs (upstream has none).
# airgap-set: cluster
set -euo pipefail
. "$(dirname "$0")/../lib-debian.sh"

work="$1"
root="$work/rootfs"
deb_file=busybox-static_1.37.0-6+b9_amd64.deb
deb_sha256=598a3fd92bdafc34cd81196b2952ad36e910e47a4ecf162f8ce5e8e262598e53
deb="$AIRGAP_CACHE/debs/$deb_file"
if ! echo "$deb_sha256  $deb" | sha256sum -c --quiet >/dev/null 2>&1; then
  mkdir -p "$AIRGAP_CACHE/debs"
  curl -fsSL --retry 3 -o "$deb.tmp" "http://deb.debian.org/debian/pool/main/b/busybox/$deb_file"
  echo "$deb_sha256  $deb.tmp" | sha256sum -c --quiet || { echo "$deb_file: SHA-256 mismatch" >&2; exit 1; }
  mv "$deb.tmp" "$deb"
fi
stage="$work/stage"
dpkg-deb -x "$deb" "$stage"

# busybox_rootfs lays out bookworm's busybox with its applet links; the trixie binary replaces it,
# and the links are made again from its own applet list.
busybox_rootfs "$root"
install -m 0755 "$stage/usr/bin/busybox" "$root/bin/busybox" # trixie ships it in /usr/bin
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] && continue
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
chroot "$root" /bin/busybox | head -1 | grep -q 'v1.37.0' || { echo "not busybox 1.37.0: $(chroot "$root" /bin/busybox | head -1)" >&2; exit 1; }
# the chart's test pod: wget with a timeout
chroot "$root" /bin/sh -c 'wget -q -T 1 -O /dev/null http://127.0.0.1:1/; [ $? -eq 1 ]' || { echo "busybox wget -T fails" >&2; exit 1; }
write_image_conf "$work" '{"cmd": ["sh"], "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}'
write_ref "$work" "library/busybox:1.37.0"
