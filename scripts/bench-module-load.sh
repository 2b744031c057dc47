#!/usr/bin/env bash
# First module load after an engine start: the pipeline module against a bare Go module.
#
# The first `dagger` call on a fresh CI agent's engine pays for codegen and the module's compile
# before any function runs. This restarts the engine before each load, so each figure is that
# first load; the engine's disk cache is kept, as an agent's is. Goal: at most 1.8x the bare
# module: the same go.mod and go.sum (so the same dependencies to resolve), one function, nothing
# of ours.
#
#   ENGINE_RESTART  command that restarts the engine the dagger CLI reaches, e.g.
#                   "docker restart dagger-engine-v0.21.9". With the rig of ../shared/dagger-rig
#                   running (eval "$(rig.sh env)"), it is found.
# Usage: scripts/bench-module-load.sh [rounds]   (default 1; each round loads bare, then ours)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-1}"
rig="${DAGGER_RIG_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dagger-rig}"
rig_sh="$root/../shared/dagger-rig/rig.sh"
if [ -z "${ENGINE_RESTART:-}" ] && [ "${_EXPERIMENTAL_DAGGER_RUNNER_HOST:-}" = "unix://$rig/engine.sock" ] && [ -x "$rig_sh" ]; then
  ENGINE_RESTART="RIG_ENGINE_FLAGS='--config $root/hack/airgap/buildkitd.toml' $rig_sh restart"
fi
[ -n "${ENGINE_RESTART:-}" ] || { echo "set ENGINE_RESTART to a command that restarts your Dagger engine (see the header of $0)" >&2; exit 2; }
command -v dagger >/dev/null || { echo "no dagger CLI in PATH: install v0.21.9 (README)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bare="$work/bare"
mkdir -p "$bare"
cp "$root/ci/go.mod" "$root/ci/go.sum" "$bare/"
cat >"$bare/dagger.json" <<'JSON'
{"name": "pipeline", "engineVersion": "v0.21.9", "sdk": {"source": "go"}}
JSON
cat >"$bare/main.go" <<'GO'
package main

// Pipeline is a module with nothing of the pipeline's: the baseline of a first load.
type Pipeline struct{}

// Hello is its only function.
func (m *Pipeline) Hello() string { return "hello" }
GO

# first_load DIR restarts the engine and prints the seconds `dagger functions` takes in DIR.
first_load() {
  local dir="$1" start end
  bash -c "$ENGINE_RESTART" >"$work/restart.log" 2>&1 || { cat "$work/restart.log" >&2; return 1; }
  start="$(date +%s.%N)"
  (cd "$dir" && dagger --progress=plain functions >"$work/load.log" 2>&1) || { tail -30 "$work/load.log" >&2; return 1; }
  end="$(date +%s.%N)"
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

bare_total=0
ours_total=0
for i in $(seq "$rounds"); do
  b="$(first_load "$bare")"
  o="$(first_load "$root")"
  printf 'round %d: bare %ss, pipeline %ss\n' "$i" "$b" "$o"
  bare_total="$(awk -v a="$bare_total" -v b="$b" 'BEGIN { print a + b }')"
  ours_total="$(awk -v a="$ours_total" -v b="$o" 'BEGIN { print a + b }')"
done
ratio="$(awk -v o="$ours_total" -v b="$bare_total" 'BEGIN { printf "%.2f", o / b }')"
printf 'first module load after an engine start, %d round(s), load %s:\n' "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  bare Go module:      %.1fs\n' "$(awk -v t="$bare_total" -v n="$rounds" 'BEGIN { print t / n }')"
printf '  the pipeline module: %.1fs\n' "$(awk -v t="$ours_total" -v n="$rounds" 'BEGIN { print t / n }')"
printf '  ratio pipeline/bare: %s (goal: at most 1.80)\n' "$ratio"
