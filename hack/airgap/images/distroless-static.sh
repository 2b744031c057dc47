#!/usr/bin/env bash
# Stand-in for gcr.io/distroless/static-debian12:nonroot: no shell, no busybox, no libraries;
# /etc/passwd (root, nobody, nonroot 65532, all /sbin/nologin) and /etc/group (root, nobody,
# tty, staff, nonroot) as distroless writes them, /root (0700), /home (0755), /home/nonroot
# (0700, 65532), /tmp (1777), the files of Debian 12's base-files (/etc/debian_version; FHS
# directories), netbase (/etc/protocols, services, rpc, ethertypes), media-types
# (/etc/mime.types), tzdata (/usr/share/zoneinfo) and ca-certificates (the bundle at
# /etc/ssl/certs/ca-certificates.crt), distroless's /etc/nsswitch.conf and /etc/os-release
# (PRETTY_NAME="Distroless", ID=debian, VERSION_ID=12), and, as distroless has for scanners,
# /var/lib/dpkg/status.d/<package> records (with .md5sums) of those five packages.
# ENV PATH and SSL_CERT_FILE, USER 65532, WORKDIR /home/nonroot, no entrypoint, no cmd.
# Differs from upstream:
#   - the packages are the build host's installed bookworm versions (status.d says which),
#     not the snapshot distroless pins; the CA bundle is the build host's
#     /etc/ssl/certs/ca-certificates.crt, so it also holds any CA the host added to it.
#   - of base-files only /etc/debian_version, /etc/host.conf, /etc/issue(.net), the licenses
#     in /usr/share/common-licenses and the directories are copied; its md5sums record lists
#     every file of the package all the same (as the host's dpkg has it).
#   - linux/arm64 (as upstream, an image index of both): the same files from Debian's arm64
#     .debs of the five packages, the archive's current versions (status.d says which), not the
#     host's; the CA bundle is the build host's all the same (update-ca-certificates makes it,
#     and it is the same for every architecture). The image has no ELF file to check.
# airgap-platforms: linux/amd64 linux/arm64
set -euo pipefail
. "$(dirname "$0")/../lib-debian.sh"

work="$1"
root="$work/rootfs"
mkdir -p "$root"
pkgs=(base-files netbase media-types tzdata ca-certificates)
apt_install "${pkgs[@]}"
# Where the packages' files come from: the build host's installed packages, or, for a foreign
# platform, that platform's .debs unpacked (nothing in them runs).
from=""
if airgap_foreign; then
  from="$work/stage"
  deb_extract_foreign "$from" "${pkgs[@]}"
fi

# Directories (base-files' FHS layout; distroless keeps bin/sbin/lib as directories).
for d in bin boot dev etc home lib proc root run sbin sys tmp usr usr/bin usr/lib usr/sbin \
  usr/share var var/cache var/lib var/log var/tmp; do
  mkdir -p "$root/$d"
done
chmod 0700 "$root/root"
chmod 0755 "$root/home"
chmod 1777 "$root/tmp" "$root/var/tmp"
mkdir -p "$root/home/nonroot"
chown 65532:65532 "$root/home/nonroot"
chmod 0700 "$root/home/nonroot"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
chmod 0644 "$root/etc/passwd" "$root/etc/group"

cat >"$root/etc/nsswitch.conf" <<'EOF'
# /etc/nsswitch.conf of the distroless stand-in (the same lookups as distroless's).
passwd:         compat
group:          compat
shadow:         compat
gshadow:        files

hosts:          files dns
networks:       files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
EOF

cat >"$root/etc/os-release" <<'EOF'
PRETTY_NAME="Distroless"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="12"
VERSION="Debian GNU/Linux 12 (bookworm)"
HOME_URL="https://github.com/GoogleContainerTools/distroless"
SUPPORT_URL="https://github.com/GoogleContainerTools/distroless/blob/master/README.md"
BUG_REPORT_URL="https://github.com/GoogleContainerTools/distroless/issues/new"
EOF

# base-files (part), netbase, media-types: plain files of the packages.
for f in /etc/debian_version /etc/host.conf /etc/issue /etc/issue.net \
  /etc/protocols /etc/services /etc/rpc /etc/ethertypes /etc/mime.types; do
  if [ -f "$from$f" ]; then rootfs_install "$root" "$from$f" "$f"; fi
done
cp -a "$from/usr/share/common-licenses" "$root/usr/share/common-licenses"
cp -a "$from/usr/share/zoneinfo" "$root/usr/share/zoneinfo"
rm -f "$root/usr/share/zoneinfo/localtime" # a link to the host's /etc/localtime
mkdir -p "$root/etc/ssl/certs"
rootfs_install "$root" /etc/ssl/certs/ca-certificates.crt

if airgap_foreign; then
  dpkg_status_d_foreign "$root" "$from" "${pkgs[@]}"
  rm -rf "$from"
else
  dpkg_status_d "$root" "${pkgs[@]}"
fi

# No shell to run a check with: list what is there instead.
for f in /etc/passwd /etc/group /etc/os-release /etc/ssl/certs/ca-certificates.crt \
  /usr/share/zoneinfo/Europe/Paris /home/nonroot; do
  [ -e "$root$f" ] || { echo "missing $f" >&2; exit 1; }
done

write_image_conf "$work" "$(
  cat <<'JSON'
{
  "entrypoint": [],
  "cmd": [],
  "user": "65532",
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
  "workdir": "/home/nonroot",
  "exposedPorts": [],
  "labels": {}
}
JSON
)"
write_ref "$work" "distroless/static-debian12:nonroot"
