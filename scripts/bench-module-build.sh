#!/usr/bin/env bash
# Cold compile time of the Dagger module (ci/) against a bare module on the same SDK.
#
# The engine compiles the module on every fresh CI agent, so its imports are a cost paid on every
# pull request. Each build gets an empty GOCACHE (nothing compiled) but shares the module cache
# (nothing downloaded): the figure is compile time only. The bare module is ci/'s own go.mod, the
# generated bindings and an empty main, so the ratio isolates what our code and imports add.
#
# Usage: scripts/bench-module-build.sh [rounds]   (default 1; rounds alternate bare and ci)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The bare module: same go.mod/go.sum and generated bindings, no code of ours (dagger.gen.go is
# left out: it dispatches to our functions).
bare="$work/bare"
mkdir -p "$bare/internal"
cp "$root/ci/go.mod" "$root/ci/go.sum" "$bare/"
cp -r "$root/ci/internal/dagger" "$bare/internal/"
cat >"$bare/main.go" <<'GO'
package main

import "dagger/pipeline/internal/dagger"

// The baseline every module on this SDK pays: the bindings and their imports.
func main() { _ = dagger.Connect() }
GO

(cd "$root/ci" && go mod download)

# cold_build DIR prints the seconds a build of DIR takes with an empty build cache.
cold_build() {
  local dir="$1" cache start end
  cache="$(mktemp -d "$work/gocache.XXXX")"
  start="$(date +%s.%N)"
  (cd "$dir" && GOCACHE="$cache" GOFLAGS=-mod=readonly go build -o /dev/null .)
  end="$(date +%s.%N)"
  rm -rf "$cache"
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

bare_total=0
ci_total=0
for i in $(seq "$rounds"); do
  b="$(cold_build "$bare")"
  c="$(cold_build "$root/ci")"
  printf 'round %d: bare %.1fs, ci %.1fs\n' "$i" "$b" "$c"
  bare_total="$(awk -v a="$bare_total" -v b="$b" 'BEGIN { print a + b }')"
  ci_total="$(awk -v a="$ci_total" -v b="$c" 'BEGIN { print a + b }')"
done
bare_avg="$(awk -v t="$bare_total" -v n="$rounds" 'BEGIN { print t / n }')"
ci_avg="$(awk -v t="$ci_total" -v n="$rounds" 'BEGIN { print t / n }')"
ratio="$(awk -v c="$ci_avg" -v b="$bare_avg" 'BEGIN { print c / b }')"
printf 'cold build (empty GOCACHE, shared module cache), %d round(s), load %s:\n' "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  bare module on dagger.io/dagger v0.21.9: %.1fs\n' "$bare_avg"
printf '  ci/ (the pipeline module):               %.1fs\n' "$ci_avg"
printf '  ratio ci/bare:                            %.2f\n' "$ratio"
