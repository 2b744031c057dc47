#!/usr/bin/env bash
# make test-engine: every Dagger function, for real, against the engine the dagger CLI reaches.
#
# The scenarios' servers (GOPROXY, npm registry, schemas, Trivy DBs, a registry, a git server)
# run inside the engine's network namespace, where its containers reach them:
#   ENGINE_NETNS    command prefix that runs a program in that namespace, e.g. for a Docker-backed
#                   engine on Linux: "nsenter -t $(docker inspect -f '{{.State.Pid}}' <engine>) -n"
#   ENGINE_GATEWAY  the address containers reach that namespace at (default 10.87.0.1, the
#                   engine's CNI bridge)
#   ENGINE_MIRROR   optional: a registry in that namespace that the engine mirrors docker.io,
#                   ghcr.io and gcr.io to; the stand-in images of hack/airgap are pushed there
#                   (an air-gapped engine). Unset: the engine pulls the upstream images itself.
# With the rig of ../shared/dagger-rig running (eval "$(rig.sh env)"), all three are found.
#
# run.sh -bench (make bench-pipeline) measures instead of testing, from an empty engine:
#   ENGINE_RESET    command that restarts the engine the CLI reaches with an empty state (its
#                   cache volumes and layers gone, as on a fresh hosted agent). Found for the rig.
#                   ENGINE_RESET=true keeps the engine as it is: the warm figures only.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rig="${DAGGER_RIG_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dagger-rig}"
rig_sh="$root/../shared/dagger-rig/rig.sh"

if [ "${1:-}" = -bench ]; then
  if [ -z "${ENGINE_RESET:-}" ] && [ "${_EXPERIMENTAL_DAGGER_RUNNER_HOST:-}" = "unix://$rig/engine.sock" ] && [ -x "$rig_sh" ]; then
    ENGINE_RESET="$rig_sh stop && rm -rf '$rig/state' && RIG_ENGINE_FLAGS='--config $root/hack/airgap/buildkitd.toml' $rig_sh start"
  fi
  [ -n "${ENGINE_RESET:-}" ] || { echo "set ENGINE_RESET to a command that restarts your Dagger engine with an empty state (see the header of $0)" >&2; exit 2; }
  echo "bench-pipeline: emptying the engine: $ENGINE_RESET"
  bash -c "$ENGINE_RESET"
  # ENGINE_RESET=true reruns the warm figures on the engine as it is: the first is then no
  # fresh engine's, and the bench says so.
  [ "$ENGINE_RESET" = true ] || export ENGINE_EMPTIED=1
fi

if [ "${_EXPERIMENTAL_DAGGER_RUNNER_HOST:-}" = "unix://$rig/engine.sock" ] && [ -z "${ENGINE_NETNS:-}" ]; then
  unshare_pid="$(cat "$rig/engine.pid")"
  ns_pid="$(awk '{print $1}' "/proc/$unshare_pid/task/$unshare_pid/children")"
  export ENGINE_NETNS="nsenter -t $ns_pid -n" ENGINE_MIRROR="${ENGINE_MIRROR:-127.0.0.1:5000}"
fi
export ENGINE_GATEWAY="${ENGINE_GATEWAY:-10.87.0.1}"
command -v dagger >/dev/null || { echo "no dagger CLI in PATH: install v0.21.9 (README), or eval \"\$(../shared/dagger-rig/rig.sh env)\"" >&2; exit 2; }

if [ -n "${ENGINE_MIRROR:-}" ]; then
  bash "$root/hack/airgap/build.sh"
  ${ENGINE_NETNS:-} bash "$root/hack/airgap/build.sh" push "$ENGINE_MIRROR" -insecure
fi
bin="${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-enginetest/enginetest"
(cd "$root/hack/enginetest" && go build -o "$bin" .)
exec "$bin" -repo "$root" "$@"
