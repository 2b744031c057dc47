#!/usr/bin/env bash
# Builds the air-gap stand-in images (see README.md) and pushes them to a registry.
#
#   build.sh [NAME...]                          build every images/*.sh recipe, or the named ones
#   build.sh push HOST[:PORT] [-insecure] [NAME...]   push built images to HOST[:PORT]/<ref>
# Without names, both leave out the recipes marked "# airgap-set: cluster" (the images only
# hack/cluster's make test-cluster runs: Kyverno's, Argo CD's, Redis, busybox).
#
# Each image lands in ${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap/images/<name>/: oci/ (an
# OCI layout), ref (the reference without registry host, as a mirror stores it) and digest. An
# image is rebuilt only when its recipe (with images/<name>/, images/files/<name>*, the images/files/*.bash it names and the
# scripts/tool-*.sh it runs), a lib*.sh or mkimage's source change (FORCE=1 rebuilds anyway); tool binaries have their own cache, so a rebuild rarely recompiles.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap"
mkdir -p "$cache/images" "$cache/bin" "$cache/work"

# mkimage's source files, tests left out.
mkimage_sources() {
  local f
  for f in "$here"/mkimage/*.go; do
    case "$f" in *_test.go) ;; *) echo "$f" ;; esac
  done
}

# mkimage, built once per version of its source.
mkimage_hash="$(mkimage_sources | xargs cat "$root/go.sum" | sha256sum | cut -c1-16)"
mkimage="$cache/bin/mkimage-$mkimage_hash/mkimage"
ensure_mkimage() {
  [ -x "$mkimage" ] && return 0
  mkdir -p "$(dirname "$mkimage")"
  (
    flock 9
    if [ ! -x "$mkimage" ]; then
      (cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$mkimage.tmp" ./hack/airgap/mkimage)
      mv "$mkimage.tmp" "$mkimage"
    fi
  ) 9>"$(dirname "$mkimage")/.lock"
}

# The named recipes, or every recipe but those of make test-cluster's own cluster (a line
# `# airgap-set: cluster` in the recipe: images an air-gapped engine never pulls; built and pushed
# only when named).
recipe_names() {
  if [ $# -gt 0 ]; then
    printf '%s\n' "$@"
  else
    for f in "$here"/images/*.sh; do grep -q '^# airgap-set: cluster$' "$f" || basename "$f" .sh; done
  fi
}

# The cache key of an image: its recipe; the recipe's own files, images/<name>/** and
# images/files/<name>* (for example a go.mod pinning what it builds, an entrypoint script); the
# repository's tool scripts it runs (scripts/tool-*.sh: a new build flag makes a new binary);
# the shared helpers (lib*.sh); and the image builder's source.
image_key() {
  local name="$1"
  (
    cd "$here"
    {
      find "images/$name.sh" "images/$name" images/files -path "images/files/*" ! -path "images/files/$name*" -prune -o -type f -print 2>/dev/null
      printf '%s\n' lib*.sh
      { grep -o 'scripts/tool-[a-z0-9-]*\.sh' "images/$name.sh" || true; } | sed 's|^|../../|'
      { grep -o 'images/files/[A-Za-z0-9._-]*\.bash' "images/$name.sh" || true; }
      mkimage_sources | sed "s|^$here/||"
    } | LC_ALL=C sort -u | xargs sha256sum
  ) | sha256sum | cut -d' ' -f1
}

# A ref as a mirror of docker.io/ghcr.io/gcr.io stores it: a path with a tag, no registry host.
check_ref() {
  local ref="$1" first="${1%%/*}"
  case "$ref" in
    */*:*) ;;
    *) echo "ref '$ref' must be <path>:<tag>, e.g. library/registry:2.8.3" >&2; return 1 ;;
  esac
  case "$first" in
    *.*|*:*|localhost) echo "ref '$ref' must not name a registry host" >&2; return 1 ;;
  esac
}

build_one() {
  local name="$1" recipe="$here/images/$1.sh" out="$cache/images/$1" key start work
  [ -f "$recipe" ] || { echo "no recipe $recipe" >&2; return 1; }
  key="$(image_key "$name")"
  if [ -z "${FORCE:-}" ] && [ -f "$out/oci/index.json" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
    printf 'cached  %-12s %-44s %s\n' "$name" "$(cat "$out/ref")" "$(cat "$out/digest")"
    return 0
  fi
  start=$SECONDS
  work="$cache/work/$name"
  rm -rf "$work"
  mkdir -p "$work"
  if ! bash "$recipe" "$work" </dev/null >"$work.log" 2>&1; then
    echo "FAILED  $name: recipe failed; last lines of $work.log:" >&2
    tail -30 "$work.log" >&2
    return 1
  fi
  if [ ! -s "$work/ref" ] || [ ! -s "$work/image.conf" ] || [ ! -d "$work/rootfs" ]; then
    echo "FAILED  $name: the recipe must write rootfs/, image.conf and ref into its WORKDIR" >&2
    return 1
  fi
  local ref
  ref="$(tr -d '[:space:]' <"$work/ref")"
  check_ref "$ref"
  # rootfs, then rootfs2, rootfs3, ...: one layer each, in that order.
  local layers=("$work/rootfs") i=2
  while [ -d "$work/rootfs$i" ]; do layers+=("$work/rootfs$i"); i=$((i + 1)); done
  ensure_mkimage
  rm -rf "$out.new"
  mkdir -p "$out.new"
  "$mkimage" build -out "$out.new/oci" -conf "$work/image.conf" -ref "$ref" "${layers[@]}" >"$out.new/digest"
  echo "$ref" >"$out.new/ref"
  cp "$work/image.conf" "$out.new/image.conf"
  echo "$key" >"$out.new/key"
  rm -rf "$out" && mv "$out.new" "$out"
  mv "$work.log" "$out/build.log"
  rm -rf "$work"
  printf 'built   %-12s %-44s %s (%ds)\n' "$name" "$ref" "$(cat "$out/digest")" $((SECONDS - start))
}

push_all() {
  local registry="${1:?usage: build.sh push HOST[:PORT] [-insecure] [NAME...]}" insecure=()
  shift
  if [ "${1:-}" = -insecure ]; then insecure=(-insecure); shift; fi
  ensure_mkimage
  local name names
  mapfile -t names < <(recipe_names "$@")
  for name in "${names[@]}"; do
    local dir="$cache/images/$name"
    [ -f "$dir/oci/index.json" ] || { echo "not built: $name (run build.sh $name)" >&2; return 1; }
    local pushed
    pushed="$("$mkimage" push "${insecure[@]}" "$dir/oci" "$registry/$(cat "$dir/ref")")"
    printf 'pushed  %-12s %s\n' "$name" "$pushed"
  done
}

main() {
  if [ "${1:-}" = push ]; then
    shift
    push_all "$@"
    return
  fi
  # One process per image: a failing image is reported and the others still build (set -e does
  # not apply inside a function called as `f || ...`, hence a process instead of a call).
  if [ "${1:-}" = --one ]; then
    build_one "$2"
    return
  fi
  local names status=0 name
  mapfile -t names < <(recipe_names "$@")
  for name in "${names[@]}"; do
    bash "$here/build.sh" --one "$name" || status=1
  done
  return $status
}

# Everything above only defines functions; this one line runs them, so that editing the file
# while a long build runs cannot make bash execute a half-read script.
main "$@"; exit $?
