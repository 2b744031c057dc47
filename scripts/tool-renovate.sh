#!/usr/bin/env bash
# Installs Renovate from the npm registry (once) and prints the path of its
# renovate-config-validator, which make test-renovate runs on renovate.json. Renovate needs
# Node 24 (engines ^24.11.0): the one of scripts/tool-node.sh installs it, and must be first on
# PATH when the validator runs (the Makefile does that). Renovate pins its own dependencies
# exactly; npm checks every tarball against the registry's integrity. Install scripts are not
# run: the validator needs none of Renovate's optional native modules (RE2 among them: without
# it Renovate checks regexes with JavaScript's engine; ci/toolimages' renovate test compiles the
# custom managers' regexes with Go's, which is RE2).
set -euo pipefail

# renovate: datasource=npm depName=renovate
version=44.121.2
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-tools/renovate-${version}"
bin="$cache/node_modules/.bin/renovate-config-validator"

mkdir -p "$cache"
# One install at a time: CI and tests may ask for it concurrently.
exec 9>"$cache/.lock"
flock 9

if [ ! -f "$cache/.installed" ]; then
  node_bin="$(bash "$root/scripts/tool-node.sh")"
  echo "installing Renovate ${version} into ${cache} (a minute or two, once)" >&2
  rm -rf "$cache/node_modules" "$cache/package.json" "$cache/package-lock.json"
  echo '{"private": true}' >"$cache/package.json"
  (cd "$cache" && PATH="$node_bin:$PATH" npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
    "renovate@${version}") >&2
  touch "$cache/.installed"
fi
echo "$bin"
