#!/bin/bash
# A one-node Kubernetes v1.37 built from source (build.sh), run in its own mount+net+pid namespaces
# on this machine, the way ../../../shared/dagger-rig runs the Dagger engine: no Docker, no host
# network, iptables, /etc or /var/lib touched.
#   cluster.sh start     build what is missing (cached), start, wait for the node to be Ready
#   cluster.sh stop      stop everything started, remove the node's cgroups
#   cluster.sh env       the exports a caller needs: eval "$(hack/cluster/cluster.sh env)"
#   cluster.sh status    components, node and pods
#   cluster.sh load OCI_LAYOUT_DIR NAME   import an image into the node's containerd as NAME
#   cluster.sh kubectl ARGS...            kubectl against the cluster, from the host
# The apiserver listens inside the namespace (10.86.0.2:6443 and its loopback); the host reaches it
# at https://127.0.0.1:$TASKBOARD_CLUSTER_PORT (default 16443) through nsfwd, a forwarder that
# dials from inside the namespace. State: $TASKBOARD_CLUSTER_CACHE/state (wiped at each start but
# the certificates), logs in state/logs. The node's image registry (TLS, the cluster's CA) is
# $REGISTRY inside, https://127.0.0.1:$TASKBOARD_CLUSTER_REGISTRY_PORT (default PORT + 10000) from the host.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
C=${TASKBOARD_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-cluster}
S=$C/state BIN=$C/bin IMG=$C/img
PORT=${TASKBOARD_CLUSTER_PORT:-16443}
REGISTRY_PORT=${TASKBOARD_CLUSTER_REGISTRY_PORT:-$((PORT + 10000))} REGISTRY=10.86.0.2:5000
NODE=taskboard-node NODE_IP=10.86.0.2
export PATH=$BIN:/usr/local/go/bin:$PATH

log() { printf '%s cluster: %s\n' "$(date -u +%T)" "$*" >&2; }
# The cgroup (v1 here: one tree per controller) the kubelet puts pods under: below this session's
# own memory cgroup, so pods count against the same limit as the rest of the session. Named after
# the cache folder, so two clusters with caches of their own can run side by side.
cg_root() {
  local base name; base=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup) name=$(basename "$C")
  base=${base%/"$name"}; echo "${base%/}/$name"
}
cg_dirs() { local r; r=$(cg_root); for h in /sys/fs/cgroup/*/; do [ -f "$h/cgroup.procs" ] && echo "${h%/}$r"; done; }
cg_make() {
  local d h rel part
  for h in /sys/fs/cgroup/*/; do
    [ -f "$h/cgroup.procs" ] || continue
    d=${h%/}; rel=$(cg_root)
    for part in ${rel//\// }; do
      d=$d/$part; [ -d "$d" ] || mkdir "$d"
      if [ -f "$d/cpuset.cpus" ] && [ -z "$(cat "$d/cpuset.cpus")" ]; then # v1 cpuset: a new group starts empty
        cat "$(dirname "$d")/cpuset.cpus" > "$d/cpuset.cpus"; cat "$(dirname "$d")/cpuset.mems" > "$d/cpuset.mems"
      fi
    done
  done
}
cg_remove() { # deepest first; a group still holding a process stays, and is reported
  local d
  for d in $(cg_dirs); do
    [ -d "$d" ] || continue
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    [ -d "$d" ] && log "cgroup $d still in use"
  done
  return 0
}

ns_pid() { # PID (in the host's pid namespace) of ns-cluster.sh, PID 1 of the cluster's namespaces
  local up; up=$(cat "$C/unshare.pid" 2>/dev/null) || return 1
  kill -0 "$up" 2>/dev/null || return 1
  awk '{print $1}' "/proc/$up/task/$up/children"
}
kc() { kubectl --kubeconfig "$S/pki/host.kubeconfig" "$@"; }

start() {
  if ns_pid >/dev/null 2>&1; then log "already running (unshare pid $(cat "$C/unshare.pid"))"; return 0; fi
  local t0=$SECONDS
  [ "${TASKBOARD_CLUSTER_SKIP_BUILD:-}" = 1 ] || "$HERE/build.sh" all
  local tb=$SECONDS
  # a fresh cluster each start; the certificates (and so the kubeconfigs handed out) are kept
  if [ -d "$S" ]; then
    { grep " $S/" /proc/self/mounts || true; } | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    find "$S" -mindepth 1 -maxdepth 1 ! -name pki ! -name images -exec rm -rf {} +
  fi
  mkdir -p "$S/logs" "$S/images"
  pki -dir "$S/pki" -node "$NODE" -node-ip "$NODE_IP" -host-server "https://127.0.0.1:$PORT"
  cg_make
  log "starting (namespaces: mount, net, pid; state $S)"
  S=$S BIN=$BIN IMG=$IMG CG_ROOT=$(cg_root) NODE=$NODE NODE_IP=$NODE_IP \
    nohup unshare --mount --net --pid --fork --mount-proc --propagation private --kill-child=SIGTERM \
    "$HERE/ns-cluster.sh" >"$S/logs/ns.log" 2>&1 &
  echo $! > "$C/unshare.pid"
  # PID 1 of the namespaces, once it runs ns-cluster.sh in its own network namespace (not the
  # moment unshare has forked it: the forwarder must join the right one)
  local i nsp=""
  for ((i = 0; i < 100; i++)); do
    nsp=$(ns_pid 2>/dev/null) || nsp=""
    if [ -n "$nsp" ] && grep -q ns-cluster.sh "/proc/$nsp/cmdline" 2>/dev/null &&
      [ "$(readlink "/proc/$nsp/ns/net" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ]; then
      break
    fi
    nsp=""; sleep 0.1
  done
  [ -n "$nsp" ] || { tail -20 "$S/logs/ns.log"; log "the namespaces did not start"; return 1; }
  nohup nsfwd -listen "127.0.0.1:$PORT" -pid "$nsp" -to 127.0.0.1:6443 >"$S/logs/nsfwd.log" 2>&1 &
  echo $! > "$C/nsfwd.pid"
  if [ -x "$BIN/registry" ]; then
    nohup nsfwd -listen "127.0.0.1:$REGISTRY_PORT" -pid "$nsp" -to "$REGISTRY" >"$S/logs/nsfwd-registry.log" 2>&1 &
    echo $! > "$C/nsfwd-registry.pid"
  fi
  # Ready: the apiserver answers through the forwarder and the node reports Ready (bounded: 180 s)
  for ((i = 0; i < 180; i++)); do
    if kc get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True; then
      addons || return 1
      log "node $NODE Ready, cluster DNS Ready, $((SECONDS - tb)) s after start (the build check before it took $((tb - t0)) s)"
      echo "ready_seconds=$((SECONDS - tb)) build_check_seconds=$((tb - t0))" > "$C/last-start"
      return 0
    fi
    ns_pid >/dev/null 2>&1 || { tail -30 "$S/logs/ns.log"; log "the cluster's namespaces exited"; return 1; }
    kill -0 "$(cat "$C/nsfwd.pid")" 2>/dev/null || { cat "$S/logs/nsfwd.log"; log "the forwarder to the apiserver exited"; return 1; }
    sleep 1
  done
  tail -20 "$S/logs/ns.log"; log "node not Ready after 180 s: see $S/logs (kubelet.log, containerd.log)"
  return 1
}

# the add-ons (addons/*.yaml: CoreDNS), applied once the node is Ready; waits for them (bounded)
addons() {
  kc apply --server-side --force-conflicts --field-manager taskboard-cluster -f "$HERE/addons/" >/dev/null || { log "applying addons/ failed"; return 1; }
  kc -n kube-system rollout status deployment coredns --timeout 120s >/dev/null ||
    { kc -n kube-system get pods -o wide; log "CoreDNS not Ready after 120 s: see $S/logs/kubelet.log"; return 1; }
}

stop() {
  local up ns fw
  for fw in $(cat "$C/nsfwd.pid" "$C/nsfwd-registry.pid" 2>/dev/null || true); do kill -TERM "$fw" 2>/dev/null || true; done
  up=$(cat "$C/unshare.pid" 2>/dev/null || true)
  if [ -n "$up" ] && kill -0 "$up" 2>/dev/null; then
    ns=$(ns_pid || true)
    # unshare --fork ignores SIGTERM: signal ns-cluster.sh, PID 1 inside, which stops the components
    if [ -n "$ns" ]; then kill -TERM "$ns"; else kill -TERM "$up"; fi
    for _ in $(seq 60); do kill -0 "$up" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$up" 2>/dev/null; then
      log "still running after 30 s: killing"; [ -n "$ns" ] && kill -KILL "$ns" 2>/dev/null; kill -KILL "$up" 2>/dev/null || true
    fi
  fi
  rm -f "$C/unshare.pid" "$C/nsfwd.pid" "$C/nsfwd-registry.pid"
  cg_remove
  log "stopped"
}

env_() {
  echo "export KUBECONFIG=$S/pki/host.kubeconfig"
  echo "export PATH=$BIN:\$PATH  # kubectl v1.37.2"
  if [ -x "$BIN/registry" ]; then
    # the node's registry: pods and Kyverno name images $REGISTRY/...; the host pushes to the same
    # registry at 127.0.0.1:$REGISTRY_PORT; both serve a certificate of the cluster's CA
    echo "export TASKBOARD_CLUSTER_REGISTRY=$REGISTRY TASKBOARD_CLUSTER_REGISTRY_HOST=127.0.0.1:$REGISTRY_PORT TASKBOARD_CLUSTER_CA=$S/pki/ca.crt"
  fi
  echo "# the apiserver: https://127.0.0.1:$PORT from the host (nsfwd), https://$NODE_IP:6443 inside the namespace"
  echo "# a process that must be inside: nsenter -t $(ns_pid 2>/dev/null || echo PID) -n -m CMD"
  echo "export TASKBOARD_CLUSTER_NS_PID=$(ns_pid 2>/dev/null)  # for listeners the pods reach (the scenarios' git server)"
}

status() {
  if ! ns_pid >/dev/null 2>&1; then echo "not running"; return 1; fi
  echo "running: unshare pid $(cat "$C/unshare.pid"), namespace PID 1 = $(ns_pid); $(cat "$C/last-start" 2>/dev/null)"
  kc get nodes -o wide && kc get pods -A -o wide
}

load() { # load OCI_LAYOUT_DIR NAME: kept in state/images, imported now if running and at each start
  local dir=$1 name=$2 t
  [ -f "$dir/index.json" ] || { echo "$dir is not an OCI layout" >&2; return 1; }
  t=$S/images/$(echo "$name" | tr '/:@' '___').tar
  mkdir -p "$S/images"
  # the same image under the same name, kept from an earlier load and imported at this start: done
  local k; k=$(cat "$dir/index.json" <(echo "$name") | sha256sum | cut -c1-16)
  if [ "$(cat "$t.key" 2>/dev/null)" = "$k" ] && [ -f "$S/started" ] && [ "$t" -ot "$S/started" ]; then return 0; fi
  # ctr names the image after the index's org.opencontainers.image.ref.name annotation
  python3 - "$dir/index.json" "$name" > "$t.index" <<'PY'
import json, sys
idx = json.load(open(sys.argv[1]))
name = sys.argv[2]
repo = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
out = []
for m in idx["manifests"]:
    # NAME, and REPO@DIGEST: the name a pod pinned by digest asks the CRI for
    for n in (name, repo + "@" + m["digest"]):
        e = dict(m)
        e["annotations"] = {"org.opencontainers.image.ref.name": n, "io.containerd.image.name": n}
        out.append(e)
idx["manifests"] = out
print(json.dumps(idx))
PY
  local w; w=$(mktemp -d); cp -r "$dir"/. "$w"/; mv "$t.index" "$w/index.json"
  tar -C "$w" -cf "$t" .; rm -rf "$w"; echo "$k" > "$t.key"
  if ns_pid >/dev/null 2>&1; then
    nsenter -t "$(ns_pid)" -m -n ctr --address /run/containerd/containerd.sock -n k8s.io images import "$t" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  env) env_ ;;
  status) status ;;
  load) shift; load "$@" ;;
  kubectl) shift; kc "$@" ;;
  *) echo "usage: $0 start|stop|restart|env|status|load OCI_DIR NAME|kubectl ARGS..." >&2; exit 2 ;;
esac
