#!/usr/bin/env bash
# Builds the air-gap stand-in images (see README.md) and pushes them to a registry.
#
#   build.sh [NAME...]                          build every images/*.sh recipe, or the named ones
#   build.sh push HOST[:PORT] [-insecure] [NAME...]   push built images to HOST[:PORT]/<ref>
# Without names, both leave out the recipes marked "# airgap-set: cluster" (the images only
# hack/cluster's make test-cluster runs: Kyverno's, Argo CD's, Redis, busybox).
#
# Each image lands in ${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap/images/<name>/: oci/ (an
# OCI layout), ref (the reference without registry host, as a mirror stores it) and digest. A
# recipe with a line `# airgap-platforms: linux/amd64 linux/arm64` is run once per platform
# (AIRGAP_PLATFORM) and its oci/ holds an image index of them (digest is the index's, platforms
# lists each platform's image); others make one linux/amd64 image. An
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

# The platforms a recipe builds, from its `# airgap-platforms:` line; none: the host's only.
recipe_platforms() { sed -n 's/^# airgap-platforms: *//p' "$1" | head -1; }

# run_recipe NAME PLATFORM WORK: runs the recipe for one platform ("" for the host's) in WORK and
# prints its ref; the log goes to WORK.log.
run_recipe() {
  local name="$1" platform="$2" work="$3"
  rm -rf "$work"
  mkdir -p "$work"
  if ! env ${platform:+AIRGAP_PLATFORM="$platform"} bash "$here/images/$name.sh" "$work" </dev/null >"$work.log" 2>&1; then
    echo "FAILED  $name${platform:+ ($platform)}: recipe failed; last lines of $work.log:" >&2
    tail -30 "$work.log" >&2
    return 1
  fi
  if [ ! -s "$work/ref" ] || [ ! -s "$work/image.conf" ] || [ ! -d "$work/rootfs" ]; then
    echo "FAILED  $name: the recipe must write rootfs/, image.conf and ref into its WORKDIR" >&2
    return 1
  fi
  tr -d '[:space:]' <"$work/ref"
}

# image_layout WORK OUT [PLATFORM]: the OCI layout of what a recipe left in WORK (rootfs, then
# rootfs2, rootfs3, ...: one layer each, in that order); prints the manifest digest.
image_layout() {
  local work="$1" out="$2" platform="${3:-}" ref layers=("$1/rootfs") i=2
  ref="$(tr -d '[:space:]' <"$work/ref")"
  while [ -d "$work/rootfs$i" ]; do layers+=("$work/rootfs$i"); i=$((i + 1)); done
  "$mkimage" build -out "$out" -conf "$work/image.conf" -ref "$ref" ${platform:+-platform "$platform"} "${layers[@]}"
}

build_one() {
  local name="$1" recipe="$here/images/$1.sh" out="$cache/images/$1" key start work ref=""
  [ -f "$recipe" ] || { echo "no recipe $recipe" >&2; return 1; }
  key="$(image_key "$name")"
  if [ -z "${FORCE:-}" ] && [ -f "$out/oci/index.json" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
    printf 'cached  %-12s %-44s %s\n' "$name" "$(cat "$out/ref")" "$(cat "$out/digest")"
    return 0
  fi
  start=$SECONDS
  local platforms
  read -ra platforms <<<"$(recipe_platforms "$recipe")"
  ensure_mkimage
  rm -rf "$out.new"
  mkdir -p "$out.new"
  if [ ${#platforms[@]} -eq 0 ]; then
    work="$cache/work/$name"
    ref="$(run_recipe "$name" "" "$work")"
    check_ref "$ref"
    image_layout "$work" "$out.new/oci" >"$out.new/digest"
    cp "$work/image.conf" "$out.new/image.conf"
    mv "$work.log" "$out.new/build.log"
    rm -rf "$work"
  else
    # One image per platform, then the index of them under the one ref.
    local p layouts=() pref digest
    for p in "${platforms[@]}"; do
      work="$cache/work/$name-${p//\//-}"
      pref="$(run_recipe "$name" "$p" "$work")"
      check_ref "$pref"
      [ -z "$ref" ] || [ "$pref" = "$ref" ] || { echo "FAILED  $name: $p's ref is $pref, not $ref" >&2; return 1; }
      ref="$pref"
      digest="$(image_layout "$work" "$out.new/${p//\//-}/oci" "$p")"
      printf '%s %s\n' "$p" "$digest" >>"$out.new/platforms"
      layouts+=("$out.new/${p//\//-}/oci")
      cp "$work/image.conf" "$out.new/image-${p//\//-}.conf"
      { echo "== $p"; cat "$work.log"; } >>"$out.new/build.log"
      rm -rf "$work" "$work.log"
    done
    "$mkimage" index -out "$out.new/oci" -ref "$ref" "${layouts[@]}" >"$out.new/digest"
    rm -rf "${layouts[@]%/oci}"
  fi
  echo "$ref" >"$out.new/ref"
  echo "$key" >"$out.new/key"
  rm -rf "$out" && mv "$out.new" "$out"
  printf 'built   %-12s %-44s %s%s (%ds)\n' "$name" "$ref" "$(cat "$out/digest")" \
    "$([ ${#platforms[@]} -eq 0 ] || echo " index of ${platforms[*]}")" $((SECONDS - start))
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
