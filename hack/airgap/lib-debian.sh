# shellcheck shell=bash
# Helpers of the stand-ins built from Debian bookworm's own packages (golang, node, postgres,
# nginx-unprivileged, distroless-static), sourced after lib.sh, never run.
#
# Packages that the build host must not install (a server whose maintainer scripts would start
# it, such as nginx) are only downloaded and unpacked into a staging directory (deb_extract);
# their binaries are then copied into the rootfs with the host's libraries (elf_libs).

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# deb_extract DEST PACKAGE...: unpacks the apt candidate version of each Debian package into
# DEST (dpkg-deb -x: no maintainer scripts, nothing installed on the host). The .debs are
# cached in $AIRGAP_CACHE/debs.
deb_extract() {
  local dest="$1" cache="$AIRGAP_CACHE/debs" p ver debs
  shift
  mkdir -p "$dest" "$cache"
  for p in "$@"; do
    ver="$(apt-cache policy "$p" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')"
    if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
      if [ -z "${_AIRGAP_APT_UPDATED:-}" ]; then
        airgap_log "apt-get update"
        apt-get update -qq >&2
        _AIRGAP_APT_UPDATED=1
      fi
      ver="$(apt-cache policy "$p" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')"
    fi
    [ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "deb_extract: no candidate for $p" >&2; return 1; }
    # apt-get download names the file NAME_VERSION_ARCH.deb with the epoch's ':' as %3a.
    debs=("$cache/${p}_${ver//:/%3a}"_*.deb)
    if [ ! -e "${debs[0]}" ]; then
      airgap_log "apt-get download $p=$ver"
      (cd "$cache" && apt-get download -qq "$p=$ver" 2>&1 | grep -v 'unsandboxed as root' >&2 || true)
      debs=("$cache/${p}_${ver//:/%3a}"_*.deb)
      [ -e "${debs[0]}" ] || { echo "deb_extract: download of $p=$ver failed" >&2; return 1; }
    fi
    dpkg-deb -x "${debs[0]}" "$dest"
  done
}

# elf_libs ROOTFS FILE...: copies into ROOTFS the shared libraries (and the dynamic loader) that
# each ELF FILE needs, resolved by ldd on the build host, but not FILE itself: for files staged
# elsewhere (deb_extract) or copied under another name.
elf_libs() {
  local root="$1" file deps lib
  shift
  for file in "$@"; do
    deps="$(ldd "$file" 2>/dev/null)" || continue # static or not ELF
    if grep -q 'not found' <<<"$deps"; then
      echo "elf_libs: $file: missing libraries on the build host:" >&2
      grep 'not found' <<<"$deps" >&2
      return 1
    fi
    while read -r lib; do
      [ -n "$lib" ] && [ ! -e "$root$lib" ] && rootfs_install "$root" "$lib"
    done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$deps")
  done
  return 0
}

# glibc_runtime ROOTFS: every shared library of Debian's libc6 (librt, libresolv, libutil,
# libanl, the NSS modules, ... that ldd of one program does not show, but that native addons and
# other programs brought in later load), except the gconv (iconv) modules, plus libgcc_s,
# libstdc++ and zlib, which a debian:bookworm-slim base also has. Stored at the paths the loader
# searches, under /lib/x86_64-linux-gnu as ldd reports them on this merged-/usr host.
glibc_runtime() {
  local root="$1" lib
  while read -r lib; do
    case "$lib" in
      /lib64/*) rootfs_install "$root" "$lib" ;;
      *) rootfs_install "$root" "$lib" "/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
    esac
  done < <(dpkg -L libc6 libgcc-s1 libstdc++6 zlib1g | grep -E '^(/usr)?/lib(64)?/(x86_64-linux-gnu/)?[^/]+\.so(\.[0-9]+)?$')
}

# bash_rootfs ROOTFS: Debian's bash at /bin/bash with its libraries (busybox's sh stays /bin/sh).
bash_rootfs() {
  apt_install bash
  copy_with_libs "$1" /bin/bash
}

# write_image_conf WORKDIR JSON: the image config (entrypoint, cmd, user, env, workdir,
# exposedPorts, labels) as build.sh reads it; the JSON is checked before it is written.
write_image_conf() {
  local workdir="$1" json="$2"
  if command -v python3 >/dev/null; then
    python3 -c 'import json, sys; json.loads(sys.argv[1])' "$json" ||
      { echo "write_image_conf: invalid JSON" >&2; return 1; }
  fi
  printf '%s\n' "$json" >"$workdir/image.conf"
}

# dpkg_status_d ROOTFS PACKAGE...: the status.d records that distroless images carry instead of
# /var/lib/dpkg/status, one file per package with its `dpkg -s` stanza, so that scanners (Trivy,
# Syft) see which Debian packages the files come from. The packages must be installed on the
# build host (the files were copied from it).
dpkg_status_d() {
  local root="$1" p
  shift
  mkdir -p "$root/var/lib/dpkg/status.d"
  for p in "$@"; do
    dpkg-query -s "$p" | grep -v '^Conffiles:\|^ /' >"$root/var/lib/dpkg/status.d/$p"
    if [ -f "/var/lib/dpkg/info/$p.md5sums" ]; then
      cp "/var/lib/dpkg/info/$p.md5sums" "$root/var/lib/dpkg/status.d/$p.md5sums"
    fi
  done
}

# rootfs_run ROOTFS [--user UID:GID[,GROUP...]] [--read-only] [--tmpfs DIR[:OPTIONS]]...
#            COMMAND...: a test helper (the recipes' smoke checks and manual tests): runs COMMAND
# chrooted into ROOTFS in a private mount namespace with /dev, /proc and the host's
# resolv.conf/hosts mounted, as a container runtime provides them; --read-only makes the rootfs
# read-only (readOnlyRootFilesystem), --tmpfs mounts an empty tmpfs (an emptyDir; OPTIONS as for
# mount -t tmpfs, e.g. mode=2775,gid=2000 for an fsGroup volume). The environment is the
# caller's: use `env -i` for the image's. Nothing stays mounted afterwards.
rootfs_run() {
  local root="$1" spec="" ro="" tmpfs=()
  shift
  while :; do
    case "${1:-}" in
      --user) spec="$2"; shift 2 ;;
      --read-only) ro=1; shift ;;
      --tmpfs) tmpfs+=("$2"); shift 2 ;;
      *) break ;;
    esac
  done
  mkdir -p "$root/dev" "$root/proc" "$root/etc"
  [ -e "$root/etc/resolv.conf" ] || touch "$root/etc/resolv.conf"
  [ -e "$root/etc/hosts" ] || touch "$root/etc/hosts"
  # shellcheck disable=SC2016
  unshare --mount --propagation private --fork sh -euc '
    root="$1" spec="$2" ro="$3" tmpfs="$4"; shift 4
    mount --bind "$root" "$root"
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
    mount --bind /etc/hosts "$root/etc/hosts"
    for t in $tmpfs; do
      dir="${t%%:*}" opts=""
      [ "$dir" != "$t" ] && opts="${t#*:}"
      mkdir -p "$root$dir"
      mount -t tmpfs ${opts:+-o "$opts"} tmpfs "$root$dir"
    done
    [ -n "$ro" ] && mount -o remount,bind,ro "$root"
    if [ -n "$spec" ]; then
      user="${spec%%,*}" groups="${spec#*:}"
      exec chroot --userspec="$user" --groups="$groups" "$root" "$@"
    fi
    exec chroot "$root" "$@"
  ' rootfs_run "$root" "$spec" "$ro" "${tmpfs[*]}" "$@"
}
