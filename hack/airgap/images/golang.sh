#!/usr/bin/env bash
# Stand-in for docker.io/library/golang:1.26.8-bookworm: the build host's Go 1.26.8 at
# /usr/local/go (GOROOT, copied whole, as upstream unpacks the release tarball), GOPATH=/go
# (src/ and bin/ mode 1777), upstream's PATH, GOTOOLCHAIN=local, GOLANG_VERSION, WORKDIR /go,
# CMD ["bash"], user root, no entrypoint.
# Differs from upstream:
#   - base: static busybox (/bin/sh and the coreutils are busybox applets) plus Debian's bash
#     and git 2.39 (with git-remote-https: libcurl-gnutls and its libraries) instead of
#     buildpack-deps:bookworm-scm. No dpkg/apt database, so no apt-get (nothing to fetch it
#     from anyway); no curl, wget is busybox's, no openssh-client (git over ssh fails), no
#     gnupg, procps, perl (git add -i), tzdata (Go falls back to $GOROOT/lib/time/zoneinfo.zip).
#   - no C toolchain (gcc, g++, libc6-dev, make, pkg-config): cgo is unavailable, and go
#     defaults to CGO_ENABLED=0 when it finds no C compiler; -race needs cgo, so it fails.
#   - Go is the build host's installation (its go.env included), not the tarball verified
#     by upstream's Dockerfile.
set -euo pipefail
. "$(dirname "$0")/../lib-debian.sh"

work="$1"
root="$work/rootfs"
mkdir -p "$root"
go_version=1.26.8

[ -x /usr/local/go/bin/go ] || { echo "Go is not installed at /usr/local/go" >&2; exit 1; }
have="$(/usr/local/go/bin/go env GOVERSION)"
[ "$have" = "go$go_version" ] || { echo "/usr/local/go is $have, want go$go_version" >&2; exit 1; }

busybox_rootfs "$root"
bash_rootfs "$root"

# GOROOT, as upstream: the whole distribution (src/ is needed to build the standard library).
mkdir -p "$root/usr/local"
cp -a /usr/local/go "$root/usr/local/go"
mkdir -p "$root/go/src" "$root/go/bin"
chmod -R 1777 "$root/go"

# git: the main binary, its builtins (links to it in git-core), the shell-script commands and
# the https transport. GIT_EXEC_PATH is compiled in as /usr/lib/git-core.
apt_install git
copy_with_libs "$root" /usr/bin/git
mkdir -p "$root/usr/lib/git-core"
for f in /usr/lib/git-core/*; do
  name="$(basename "$f")"
  [ -d "$f" ] && [ ! -L "$f" ] && continue # mergetools/: for git mergetool, left out
  if [ -L "$f" ]; then
    # builtins (git-add -> git, ...) and transports (git-remote-https -> git-remote-http)
    ln -sfn "$(readlink "$f")" "$root/usr/lib/git-core/$name"
  elif cmp -s "$f" /usr/bin/git; then
    ln -sfn ../../bin/git "$root/usr/lib/git-core/$name" # git-core/git: the same binary
  elif [ -f "$f" ] && head -c 4 "$f" | grep -q 'ELF'; then
    case "$name" in
      # http-backend: the module's gitops tests serve a repository with it, as upstream has it
      git-remote-http | git-sh-i18n--envsubst | git-http-backend) copy_with_libs "$root" "$f" ;;
      *) ;; # daemon, shell, imap-send, scalar, dumb http fetch/push: left out
    esac
  elif [ -f "$f" ]; then
    rootfs_install "$root" "$f" # shell scripts (submodule, sh-setup, ...)
  fi
done
mkdir -p "$root/usr/share/git-core/templates"

# go finds GOROOT through /proc/self/exe, which a container has: check with /proc mounted.
rootfs_run "$root" /bin/bash -euo pipefail -c \
  'export PATH=/usr/local/go/bin:/usr/bin:/bin; go version && git --version && git init -q /tmp/t && rm -rf /tmp/t' >&2

path="/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
write_image_conf "$work" "$(
  cat <<EOF
{
  "entrypoint": [],
  "cmd": ["bash"],
  "user": "",
  "env": ["PATH=$path", "GOLANG_VERSION=$go_version", "GOTOOLCHAIN=local", "GOPATH=/go"],
  "workdir": "/go",
  "exposedPorts": [],
  "labels": {}
}
EOF
)"
write_ref "$work" "library/golang:$go_version-bookworm"
