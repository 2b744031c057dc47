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

# ---- Foreign architectures (AIRGAP_DEB_ARCH other than the build host's: arm64 on amd64) ----
# Their packages are downloaded with an apt configuration of their own, never installed, and
# nothing of them runs here: the host's apt and dpkg are left as they are.

# apt_foreign APT-GET-ARGS...: apt-get for $AIRGAP_DEB_ARCH. The package sources are the host's
# (read, not changed: the same mirror); the lists, the cache, the dpkg status (empty: nothing is
# installed for that architecture) and the architecture are its own, in
# $AIRGAP_CACHE/apt-$AIRGAP_DEB_ARCH/.
apt_foreign() {
  local dir="$AIRGAP_CACHE/apt-$AIRGAP_DEB_ARCH"
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  [ -e "$dir/status" ] || : >"$dir/status"
  apt-get \
    -o Dir::State="$dir" -o Dir::State::Lists="$dir/lists" -o Dir::State::status="$dir/status" \
    -o Dir::Cache="$dir/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
    -o APT::Architecture="$AIRGAP_DEB_ARCH" -o APT::Architectures::="$AIRGAP_DEB_ARCH" \
    "$@"
}

# deb_fetch_foreign PACKAGE...: the .deb of each package for $AIRGAP_DEB_ARCH, the archive's
# candidate version, downloaded once into $AIRGAP_CACHE/debs-$AIRGAP_DEB_ARCH/; prints their
# paths, one per line, in order. The lists are updated once per recipe run.
deb_fetch_foreign() {
  local cache="$AIRGAP_CACHE/debs-$AIRGAP_DEB_ARCH" p file
  _foreign_lists
  for p in "$@"; do
    # NAME_VERSION_ARCH.deb, the epoch's ':' as %3a: the candidate's file, as download names it.
    file="$(apt_foreign -qq --print-uris download "$p" 2>/dev/null | awk '{print $2}')"
    case "$file" in
      "${p}_"*"_${AIRGAP_DEB_ARCH}.deb" | "${p}_"*_all.deb) ;;
      *) echo "deb_fetch_foreign: no $AIRGAP_DEB_ARCH package $p (apt named '$file')" >&2; return 1 ;;
    esac
    if [ ! -s "$cache/$file" ]; then
      airgap_log "apt-get download $p ($AIRGAP_DEB_ARCH): $file"
      (cd "$cache" && flock 9 && apt_foreign download -qq "$p" 2>&1 | grep -v 'unsandboxed as root' >&2 || true) 9>"$cache/.lock"
      [ -s "$cache/$file" ] || { echo "deb_fetch_foreign: download of $file failed" >&2; return 1; }
    fi
    printf '%s\n' "$cache/$file"
  done
}

# _foreign_lists: the package lists of $AIRGAP_DEB_ARCH, updated once per recipe run (call it
# outside a subshell, or each subshell updates them again).
_foreign_lists() {
  local cache="$AIRGAP_CACHE/debs-$AIRGAP_DEB_ARCH"
  mkdir -p "$cache"
  [ -z "${_AIRGAP_FOREIGN_UPDATED:-}" ] || return 0
  airgap_log "apt-get update ($AIRGAP_DEB_ARCH, own configuration)"
  (flock 9 && apt_foreign update -qq >&2) 9>"$cache/.lock"
  _AIRGAP_FOREIGN_UPDATED=1
}

# deb_extract_foreign DEST PACKAGE...: unpacks each package of $AIRGAP_DEB_ARCH into DEST
# (dpkg-deb -x: no maintainer scripts), and records DEST/.debs, the .debs unpacked.
deb_extract_foreign() {
  local dest="$1" debs deb
  shift
  mkdir -p "$dest"
  _foreign_lists
  debs="$(deb_fetch_foreign "$@")"
  while read -r deb; do
    dpkg-deb -x "$deb" "$dest"
    echo "$deb" >>"$dest/.debs"
  done <<<"$debs"
}

# deb_field_foreign DEST PACKAGE FIELD: a control field of a package deb_extract_foreign unpacked
# into DEST (e.g. its Version).
deb_field_foreign() {
  local deb
  deb="$(grep "/${2}_[^/]*\.deb$" "$1/.debs" | head -1)"
  [ -n "$deb" ] || { echo "deb_field_foreign: $2 was not unpacked into $1" >&2; return 1; }
  dpkg-deb -f "$deb" "$3"
}

# _elf_machine FILE: the ELF machine readelf names (AArch64, Advanced Micro Devices X86-64), or
# nothing for a file that is not ELF.
_elf_machine() { { readelf -h "$1" 2>/dev/null || true; } | sed -n 's/^ *Machine: *//p'; }

# _elf_needed FILE: the libraries a foreign ELF file needs (DT_NEEDED) and its loader
# (PT_INTERP), read with readelf: nothing is run.
_elf_needed() {
  { readelf -d "$1" 2>/dev/null || true; } | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
  { readelf -l "$1" 2>/dev/null || true; } | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p'
}

# The multiarch triplet of $AIRGAP_DEB_ARCH: where its libraries live.
_deb_triplet() {
  case "$AIRGAP_DEB_ARCH" in
    amd64) echo x86_64-linux-gnu ;;
    arm64) echo aarch64-linux-gnu ;;
  esac
}

# elf_libs_foreign ROOTFS STAGE FILE...: copies into ROOTFS the loader and every library each
# ELF FILE (a foreign binary, already in ROOTFS or in STAGE) needs, and theirs in turn, found in
# STAGE (packages deb_extract_foreign unpacked) under /lib/<triplet>, /usr/lib/<triplet>, /lib or
# /usr/lib, and stored at the same path in ROOTFS (the loader's default search path, so no
# ld.so.cache is needed). A library that is in no unpacked package is an error: add its package.
elf_libs_foreign() {
  local root="$1" stage="$2" triplet need dir found file
  shift 2
  triplet="$(_deb_triplet)"
  local queue=("$@")
  while [ ${#queue[@]} -gt 0 ]; do
    file="${queue[0]}"
    queue=("${queue[@]:1}")
    while read -r need; do
      [ -n "$need" ] || continue
      found=""
      if [ "${need#/}" != "$need" ]; then
        [ -e "$stage$need" ] && found="$need"
      else
        for dir in "/lib/$triplet" "/usr/lib/$triplet" /lib /usr/lib; do
          if [ -e "$stage$dir/$need" ]; then found="$dir/$need"; break; fi
        done
      fi
      [ -n "$found" ] || { echo "elf_libs_foreign: $(basename "$file") needs $need, in no package unpacked into $stage" >&2; return 1; }
      if [ ! -e "$root$found" ]; then
        rootfs_install "$root" "$stage$found" "$found"
        queue+=("$root$found")
      fi
    done < <(_elf_needed "$file")
  done
}

# check_elves_foreign ROOTFS: what replaces running a foreign rootfs's binaries: every ELF file
# in it is for $AIRGAP_DEB_ARCH's machine, and every library and loader each needs is there.
check_elves_foreign() {
  local root="$1" want f machine need triplet dir ok n=0
  case "$AIRGAP_DEB_ARCH" in
    arm64) want=AArch64 ;;
    amd64) want="Advanced Micro Devices X86-64" ;;
  esac
  triplet="$(_deb_triplet)"
  while IFS= read -r -d '' f; do
    machine="$(_elf_machine "$f")"
    [ -n "$machine" ] || continue
    n=$((n + 1))
    [ "$machine" = "$want" ] || { echo "check_elves_foreign: ${f#"$root"} is for $machine, not $want" >&2; return 1; }
    while read -r need; do
      [ -n "$need" ] || continue
      ok=""
      if [ "${need#/}" != "$need" ]; then
        [ -e "$root$need" ] && ok=1
      else
        for dir in "/lib/$triplet" "/usr/lib/$triplet" /lib /usr/lib; do
          [ -e "$root$dir/$need" ] && { ok=1; break; }
        done
      fi
      [ -n "$ok" ] || { echo "check_elves_foreign: ${f#"$root"} needs $need, which is not in the image" >&2; return 1; }
    done < <(_elf_needed "$f")
  done < <(find "$root" -type f -print0)
  [ "$n" -gt 0 ] || { echo "check_elves_foreign: no ELF file in $root" >&2; return 1; }
  airgap_log "$n ELF files, all $want, every library there"
}

# busybox_rootfs_foreign DIR: busybox_rootfs for $AIRGAP_DEB_ARCH: base_rootfs, and Debian's
# static busybox of that architecture with a symlink per applet. The applets are those of the
# build host's busybox-static, which must be the same version (the list cannot be asked of a
# binary that does not run here).
busybox_rootfs_foreign() {
  local root="$1" stage host_ver ver applet
  stage="$(mktemp -d)"
  apt_install busybox-static
  deb_extract_foreign "$stage" busybox-static
  ver="$(deb_field_foreign "$stage" busybox-static Version)"
  host_ver="$(dpkg-query -W -f='${Version}' busybox-static)"
  [ "$ver" = "$host_ver" ] || { echo "busybox-static is $host_ver here and $ver for $AIRGAP_DEB_ARCH: the applet list would differ" >&2; return 1; }
  base_rootfs "$root"
  mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
  install -m 0755 "$stage/bin/busybox" "$root/bin/busybox"
  rm -rf "$stage"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] && continue
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  ln -sfn ../../bin/env "$root/usr/bin/env"
}

# dpkg_status_d_foreign ROOTFS STAGE PACKAGE...: dpkg_status_d for packages deb_extract_foreign
# unpacked into STAGE: each record is the .deb's control fields with `Status: install ok
# installed`, its md5sums the .deb's.
dpkg_status_d_foreign() {
  local root="$1" stage="$2" p deb ctl
  shift 2
  mkdir -p "$root/var/lib/dpkg/status.d"
  for p in "$@"; do
    deb="$(grep "/${p}_[^/]*\.deb$" "$stage/.debs" | head -1)"
    [ -n "$deb" ] || { echo "dpkg_status_d_foreign: $p was not unpacked into $stage" >&2; return 1; }
    dpkg-deb -f "$deb" | awk '{print} /^Package:/ {print "Status: install ok installed"}' >"$root/var/lib/dpkg/status.d/$p"
    ctl="$(mktemp -d)"
    dpkg-deb -e "$deb" "$ctl"
    if [ -f "$ctl/md5sums" ]; then cp "$ctl/md5sums" "$root/var/lib/dpkg/status.d/$p.md5sums"; fi
    rm -rf "$ctl"
  done
}
