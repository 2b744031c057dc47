# shellcheck shell=bash
# Helpers for the stand-in image recipes (hack/airgap/images/*.sh), sourced, never run.
# Everything a recipe builds lands in its WORKDIR; tool binaries are cached across runs in
# ${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap/bin so that a rebuilt image does not
# recompile its tool.
set -euo pipefail

# shellcheck disable=SC2034 # used by the recipes
AIRGAP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AIRGAP_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap"

airgap_log() { echo "[$(basename "$0" .sh)] $*" >&2; }

# The platform the recipe builds for: build.sh sets AIRGAP_PLATFORM to each platform of a
# recipe's `# airgap-platforms:` line in turn; without one, the build host's, linux/amd64.
# AIRGAP_DEB_ARCH is its Debian architecture. A foreign platform's files come from that
# architecture's Debian packages (lib-debian.sh) and nothing of it is run here.
AIRGAP_PLATFORM="${AIRGAP_PLATFORM:-linux/amd64}"
case "$AIRGAP_PLATFORM" in
  linux/amd64) AIRGAP_DEB_ARCH=amd64 ;;
  linux/arm64) AIRGAP_DEB_ARCH=arm64 ;;
  *) echo "AIRGAP_PLATFORM=$AIRGAP_PLATFORM: want linux/amd64 or linux/arm64" >&2; exit 1 ;;
esac
export AIRGAP_PLATFORM AIRGAP_DEB_ARCH

# airgap_foreign: true when the recipe builds for another architecture than the build host's.
airgap_foreign() { [ "$AIRGAP_DEB_ARCH" != "$(dpkg --print-architecture)" ]; }

# apt_install PACKAGE...: installs Debian packages on the build host if they are missing.
# Runs apt-get update once per process, before the first install.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "${_AIRGAP_APT_UPDATED:-}" ]; then
    airgap_log "apt-get update"
    apt-get update -qq >&2
    _AIRGAP_APT_UPDATED=1
  fi
  airgap_log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# _rootfs_dest ROOTFS PATH: prints ROOTFS/PATH after checking that no existing directory on the
# way is an absolute symlink, which the host would resolve outside the rootfs (for example a
# `lib -> /usr/lib` link: make it relative, `lib -> usr/lib`).
_rootfs_dest() {
  local root="$1" path="$2" prefix="" part target
  local IFS=/
  # shellcheck disable=SC2086
  set -- ${path#/}
  local n=$#
  for part in "$@"; do
    n=$((n - 1))
    [ "$n" -eq 0 ] && break # the last component is the file itself
    prefix="$prefix/$part"
    if [ -L "$root$prefix" ]; then
      target="$(readlink "$root$prefix")"
      case "$target" in
        /*) echo "rootfs path $root$prefix is an absolute symlink ($target); make it relative" >&2; return 1 ;;
      esac
    fi
  done
  printf '%s%s\n' "$root" "$path"
}

# rootfs_install ROOTFS SRC [DEST]: copies host file SRC (symlinks followed) to DEST (default:
# the same path) inside ROOTFS, keeping its mode.
rootfs_install() {
  local root="$1" src="$2" dest="${3:-$2}" out
  out="$(_rootfs_dest "$root" "$dest")"
  mkdir -p "$(dirname "$out")"
  rm -f "$out"
  cp -L --preserve=mode "$src" "$out"
}

# add_user ROOTFS NAME UID GID HOME [SHELL]: adds a user and its primary group to the rootfs's
# /etc/passwd and /etc/group (skipped if the name exists), and creates HOME owned by UID:GID
# unless HOME is /nonexistent.
add_user() {
  local root="$1" name="$2" uid="$3" gid="$4" home="$5" shell="${6:-/sbin/nologin}"
  mkdir -p "$root/etc"
  touch "$root/etc/passwd" "$root/etc/group"
  grep -q "^$name:" "$root/etc/group" || echo "$name:x:$gid:" >>"$root/etc/group"
  grep -q "^$name:" "$root/etc/passwd" || echo "$name:x:$uid:$gid:$name:$home:$shell" >>"$root/etc/passwd"
  if [ "$home" != /nonexistent ] && [ ! -e "$root$home" ]; then
    mkdir -p "$root$home"
    chown "$uid:$gid" "$root$home"
  fi
}

# base_rootfs DIR: the files every stand-in has, shell or not: /etc/passwd and /etc/group with
# root and nobody, /tmp (1777), /root, and the CA bundle of the build host (Debian's
# ca-certificates) at /etc/ssl/certs/ca-certificates.crt, plus Alpine's /etc/ssl/cert.pem name.
base_rootfs() {
  local root="$1"
  mkdir -p "$root/etc" "$root/root" "$root/tmp" "$root/etc/ssl/certs"
  chmod 0700 "$root/root"
  chmod 1777 "$root/tmp"
  add_user "$root" root 0 0 /root /bin/sh
  add_user "$root" nobody 65534 65534 /nonexistent
  ca_certificates "$root"
}

# ca_certificates ROOTFS: Debian's CA bundle at /etc/ssl/certs/ca-certificates.crt.
ca_certificates() {
  local root="$1"
  apt_install ca-certificates
  rootfs_install "$root" /etc/ssl/certs/ca-certificates.crt
  ln -sfn certs/ca-certificates.crt "$root/etc/ssl/cert.pem"
}

# busybox_rootfs DIR: base_rootfs plus Debian's static busybox at /bin/busybox with a symlink in
# /bin for every applet (sh, ls, cp, wget, ...) and /usr/bin/env, so that `sh -c` and
# `#!/usr/bin/env` scripts work.
busybox_rootfs() {
  local root="$1" applet
  if airgap_foreign; then
    declare -F busybox_rootfs_foreign >/dev/null ||
      { echo "busybox_rootfs for $AIRGAP_PLATFORM: source lib-debian.sh" >&2; return 1; }
    busybox_rootfs_foreign "$root"
    return
  fi
  apt_install busybox-static
  base_rootfs "$root"
  mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
  install -m 0755 /bin/busybox "$root/bin/busybox"
  if ! "$root/bin/busybox" true 2>/dev/null || ldd "$root/bin/busybox" >/dev/null 2>&1; then
    echo "/bin/busybox is not the static busybox (Debian busybox-static)" >&2
    return 1
  fi
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] && continue
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  ln -sfn ../../bin/env "$root/usr/bin/env"
}

# go_tool_bin MODULE_PATH/cmd/x VERSION OUT [LDFLAGS]: builds a static (CGO_ENABLED=0, -trimpath,
# -s -w) binary with `go install PKG@VERSION` from the Go module proxy, caches it in
# $AIRGAP_CACHE/bin/<name>-<version>/ (rebuilt only if PKG, VERSION, LDFLAGS or GOEXPERIMENT
# change), and copies it to OUT (a host path, usually inside the rootfs).
go_tool_bin() {
  local pkg="$1" version="$2" out="$3" ldflags="${4:-}"
  local name dir stamp want
  name="$(basename "$pkg")"
  dir="$AIRGAP_CACHE/bin/$name-$version"
  want="$pkg@$version ldflags=[-s -w $ldflags] GOEXPERIMENT=${GOEXPERIMENT:-}"
  mkdir -p "$dir"
  (
    flock 9
    stamp="$(cat "$dir/.built" 2>/dev/null || true)"
    if [ ! -x "$dir/$name" ] || [ "$stamp" != "$want" ]; then
      airgap_log "go install $pkg@$version (cold: minutes)"
      rm -rf "$dir/.gobin"
      CGO_ENABLED=0 GOBIN="$dir/.gobin" GOFLAGS="${GOFLAGS:-} -trimpath" \
        go install -ldflags "-s -w $ldflags" "$pkg@$version" >&2
      mv "$dir/.gobin/$name" "$dir/$name"
      rmdir "$dir/.gobin"
      echo "$want" >"$dir/.built"
    fi
  ) 9>"$dir/.lock"
  mkdir -p "$(dirname "$out")"
  install -m 0755 "$dir/$name" "$out"
}

# copy_with_libs ROOTFS FILE...: copies dynamically linked host binaries (or shared libraries)
# into ROOTFS at the same paths, with every library ldd lists for them and the dynamic loader.
# Symlinks are followed: each library is stored under the name the loader asks for. Libraries
# loaded with dlopen (plugins, gconv, NSS modules other than glibc's built-in files/dns) are not
# seen by ldd: copy them with rootfs_install.
copy_with_libs() {
  local root="$1" file lib
  shift
  for file in "$@"; do
    [ -e "$file" ] || { echo "copy_with_libs: $file does not exist" >&2; return 1; }
    rootfs_install "$root" "$file"
    # ldd fails on static binaries and non-ELF files: nothing more to copy then.
    local deps
    deps="$(ldd "$file" 2>/dev/null)" || continue
    if grep -q 'not found' <<<"$deps"; then
      echo "copy_with_libs: $file: missing libraries:" >&2
      grep 'not found' <<<"$deps" >&2
      return 1
    fi
    while read -r lib; do
      [ -n "$lib" ] && rootfs_install "$root" "$lib"
    done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$deps")
  done
}

# write_ref WORKDIR REF: the image's reference as a mirror of docker.io/ghcr.io/gcr.io stores it
# (no registry host; Docker official images under library/).
write_ref() { printf '%s\n' "$2" >"$1/ref"; }
