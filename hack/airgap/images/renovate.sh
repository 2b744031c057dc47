#!/usr/bin/env bash
# Stand-in for docker.io/renovate/renovate:44.121.2 (the slim image of Renovate's
# tools/docker/Dockerfile): Renovate 44.121.2 as scripts/tool-renovate.sh installs it from the
# npm registry (its exact dependencies, integrity checked by npm, install scripts not run), on
# the Node 24.22.3 of scripts/tool-node.sh, laid out as upstream: Renovate's package in
# /usr/local/renovate (dist/renovate.js, dist/config-validator.js) with its dependencies in
# /usr/local/renovate/node_modules, node at /usr/local/renovate/node (and /bin/node), the
# `renovate` and `renovate-config-validator` wrappers in /usr/local/sbin (node --use-openssl-ca,
# RENOVATE_NODE_ARGS), ENTRYPOINT ["/usr/local/sbin/renovate-entrypoint.sh"] (own script,
# images/files/renovate-entrypoint.sh: an option or a non-command first argument runs renovate),
# CMD ["renovate"], WORKDIR /usr/src/app, /tmp/renovate (Renovate's base directory) 1777, user
# 12021 (named ubuntu, home /home/ubuntu, group 0), git with its https transport (Renovate
# clones with it and refuses to start without git 2.33 or later).
# Differs from upstream:
#   - no RE2: re2's native addon is built by its install script, which is not run (upstream
#     builds it); Renovate uses JavaScript's RegExp engine, as make test-renovate's validator
#     does, and RENOVATE_X_IGNORE_RE2=true in the environment keeps it from logging the failed
#     load (a warning with a stack trace) on every run. No better-sqlite3 either (upstream's
#     optional SQLite package cache).
#   - base: static busybox (sh and coreutils are applets) plus Debian bookworm's bash, glibc,
#     libstdc++ and git 2.39 (builtins, shell commands, git-remote-https) instead of
#     containerbase on Ubuntu: no containerbase (no install-tool, no /usr/local/etc/env; tools a
#     manager needs for its artifacts, e.g. `go mod tidy` for gomodTidy, are absent, as in
#     upstream's slim image until containerbase installs them, which needs the network), no
#     dumb-init, no ssh client (git over ssh fails), no apt.
#   - Debian's CA bundle at /etc/ssl/certs/ca-certificates.crt (node's --use-openssl-ca finds
#     it there); LANG=C.UTF-8.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib-debian.sh
. "$here/../lib-debian.sh"

work="$1"
root="$work/rootfs"
mkdir -p "$root"

# The Renovate of make test-renovate (cached in ~/.cache/taskboard-tools; its version is the
# image's tag) and the Node it runs on.
validator="$(bash "$AIRGAP_DIR/../../scripts/tool-renovate.sh")"
install_dir="${validator%/node_modules/.bin/renovate-config-validator}"
[ -f "$install_dir/node_modules/renovate/package.json" ] || { echo "no renovate package in $install_dir" >&2; exit 1; }
node_bin="$(bash "$AIRGAP_DIR/../../scripts/tool-node.sh")"
version="$("$node_bin/node" -p 'require(process.argv[1]).version' "$install_dir/node_modules/renovate/package.json")"

busybox_rootfs "$root"
bash_rootfs "$root"
# All of glibc (node's libraries, and the ones git's transports and native addons load).
glibc_runtime "$root"

# Renovate's package, then every other package of the install as its node_modules.
mkdir -p "$root/usr/local/renovate/node_modules"
cp -a "$install_dir/node_modules/renovate/." "$root/usr/local/renovate/"
(cd "$install_dir/node_modules" && tar -cf - --exclude=./renovate --exclude=./.bin --exclude=./.package-lock.json .) |
  tar -xf - -C "$root/usr/local/renovate/node_modules"
chown -R 0:0 "$root/usr/local/renovate"

# node at upstream's path, linked as /bin/node (as upstream: last on PATH, for scripts).
install -m 0755 "$node_bin/node" "$root/usr/local/renovate/node"
elf_libs "$root" "$node_bin/node"
ln -s ../usr/local/renovate/node "$root/bin/node"

# The wrappers and the entrypoint, where upstream keeps them.
mkdir -p "$root/usr/local/sbin"
for cmd in renovate:renovate.js renovate-config-validator:config-validator.js; do
  cat >"$root/usr/local/sbin/${cmd%%:*}" <<EOF
#!/bin/bash
exec /usr/local/renovate/node --use-openssl-ca "\${RENOVATE_NODE_ARGS[@]}" /usr/local/renovate/dist/${cmd#*:} "\$@"
EOF
  chmod 0755 "$root/usr/local/sbin/${cmd%%:*}"
done
install -m 0755 "$here/files/renovate-entrypoint.sh" "$root/usr/local/sbin/renovate-entrypoint.sh"

# git: the main binary, its builtins (links to it in git-core), the shell-script commands and
# the https transport (GIT_EXEC_PATH is compiled in as /usr/lib/git-core), as golang.sh has it.
apt_install git
copy_with_libs "$root" /usr/bin/git
mkdir -p "$root/usr/lib/git-core" "$root/usr/share/git-core/templates"
for f in /usr/lib/git-core/*; do
  name="$(basename "$f")"
  [ -d "$f" ] && [ ! -L "$f" ] && continue # mergetools/
  if [ -L "$f" ]; then
    ln -sfn "$(readlink "$f")" "$root/usr/lib/git-core/$name"
  elif cmp -s "$f" /usr/bin/git; then
    ln -sfn ../../bin/git "$root/usr/lib/git-core/$name"
  elif [ -f "$f" ] && head -c 4 "$f" | grep -q 'ELF'; then
    case "$name" in
      git-remote-http | git-sh-i18n--envsubst) copy_with_libs "$root" "$f" ;;
      *) ;; # daemon, shell, http-backend, imap-send, scalar, dumb http fetch/push: left out
    esac
  elif [ -f "$f" ]; then
    rootfs_install "$root" "$f"
  fi
done

# The user (uid 12021, as upstream's USER) and Renovate's base directory.
echo "ubuntu:x:12021:0:ubuntu:/home/ubuntu:/bin/bash" >>"$root/etc/passwd"
mkdir -p "$root/home/ubuntu" "$root/usr/src/app" "$root/tmp/renovate"
chown 12021:0 "$root/home/ubuntu"
chmod 1777 "$root/tmp/renovate"

path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# As the image runs: its user, its environment, the entrypoint choosing renovate for an option.
rootfs_run "$root" --user 12021:0 env -i HOME=/home/ubuntu PATH="$path" LANG=C.UTF-8 \
  RENOVATE_X_IGNORE_RE2=true /bin/bash -euo pipefail -c '
    cd /usr/src/app
    v="$(/usr/local/sbin/renovate-entrypoint.sh --version)"
    [ "$v" = "$1" ] || { echo "renovate --version says $v, want $1" >&2; exit 1; }
    git --version
    git init -q /tmp/t && rm -rf /tmp/t
    echo "{\"extends\": [\"config:recommended\"]}" >/tmp/renovate.json
    renovate-config-validator --strict /tmp/renovate.json && rm /tmp/renovate.json
  ' check "$version" >&2

write_image_conf "$work" "$(
  cat <<JSON
{
  "entrypoint": ["/usr/local/sbin/renovate-entrypoint.sh"],
  "cmd": ["renovate"],
  "user": "12021",
  "env": ["PATH=$path", "LANG=C.UTF-8", "RENOVATE_X_IGNORE_RE2=true"],
  "workdir": "/usr/src/app",
  "exposedPorts": [],
  "labels": {
    "org.opencontainers.image.source": "https://github.com/renovatebot/renovate",
    "org.opencontainers.image.version": "$version",
    "org.opencontainers.image.description": "air-gap stand-in for renovate/renovate:$version, built by hack/airgap"
  }
}
JSON
)"
write_ref "$work" "renovate/renovate:$version"
