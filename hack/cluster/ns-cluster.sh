#!/bin/bash
# PID 1 of the one-node cluster's private mount+net+pid namespaces (started by cluster.sh through
# unshare). It gives the node its own network (a veth holding the node address, the CNI
# bridge for pods), hides the kernel settings the kubelet rewrites behind private copies, then runs
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, an image registry, containerd and the kubelet, and
# stops them in reverse order on SIGTERM. Nothing of the host's network, iptables, /etc or
# /var/lib is touched: state lives in $S, sockets in a private /run.
set -euo pipefail
: "${S:?state folder}" "${BIN:?binaries}" "${IMG:?images}" "${CG_ROOT:?cgroup root}"
NODE=${NODE:-taskboard-node} NODE_IP=${NODE_IP:-10.86.0.2} POD_CIDR=${POD_CIDR:-10.88.0.0/16}
SVC_CIDR=${SVC_CIDR:-10.96.0.0/16}
P=$S/pki L=$S/logs
export PATH=$BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
pids=()
log() { printf '%s ns: %s\n' "$(date -u +%T.%N | cut -c1-12)" "$*"; }

stop_all() {
  log "stopping"
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  # the kubelet and containerd leave the pods' shims and runc containers behind: end them too
  for _ in $(seq 30); do
    [ -z "$(jobs -rp)" ] && break
    sleep 0.5
  done
  local left; left=$(ps -e -o pid= | grep -vw -e 1 -e $$ || true)
  for p in $left; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in $(ps -e -o pid= | grep -vw -e 1 -e $$ || true); do kill -KILL "$p" 2>/dev/null || true; done
  # unmount what the kubelet and containerd mounted under the state folder (private to this namespace)
  { grep " $S/" /proc/self/mounts || true; } | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  log "stopped"
  exit 0
}
trap stop_all TERM INT

# run NAME CMD... : start a component, its output in $L/NAME.log
run() { local n=$1; shift; "$@" >"$L/$n.log" 2>&1 & pids+=($!); log "started $n (pid $!)"; }
# wait_for WHAT SECONDS CMD... : poll CMD every 0.2 s, bounded
wait_for() {
  local what=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" >/dev/null 2>&1 && { log "$what ready"; return 0; }
    sleep 0.2
  done
  log "$what not ready after ${secs}s"; return 1
}

# --- network: loopback, the node's address on a veth (this kernel has no dummy driver; a veth
# pair, both ends up, has a carrier), a default route through it
ip link set lo up
ip link add node0 type veth peer name node0-peer
ip addr add "$NODE_IP/24" dev node0
ip link set node0-peer up
ip link set node0 up
ip route add default dev node0

# Pod to pod traffic on the CNI bridge passes this namespace's iptables (br_netfilter; the setting
# is per network namespace since Linux 5.3): kube-proxy's DNAT of Service traffic is undone on the
# reply, and kube-router's NetworkPolicy chains see it, with the pods' own addresses.
echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables

# --- mounts, private to this namespace
mount -t tmpfs tb-run /run
mkdir -p /run/containerd /run/netns
# The kubelet sets vm.overcommit_memory, vm.panic_on_oom, kernel.panic, kernel.panic_on_oops and
# kernel.keys.root_max{keys,bytes} at start (pkg/kubelet/cm/container_manager_linux.go,
# setupKernelTunables). Those are the whole machine's: it gets private files with its values instead.
mkdir -p "$S/sysctl"
for f in vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes; do
  c=$S/sysctl/${f//\//.}
  cat "/proc/sys/$f" > "$c"
  mount --bind "$c" "/proc/sys/$f"
done

# --- etcd, on the namespace's loopback
mkdir -p "$S/etcd" "$L"
run etcd etcd --name "$NODE" --data-dir "$S/etcd" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster "$NODE=http://127.0.0.1:2380" --unsafe-no-fsync --log-level warn
wait_for etcd 60 curl -fsS http://127.0.0.1:2379/health

# --- control plane
run kube-apiserver kube-apiserver \
  --etcd-servers http://127.0.0.1:2379 \
  --bind-address 0.0.0.0 --secure-port 6443 --advertise-address "$NODE_IP" \
  --service-cluster-ip-range "$SVC_CIDR" \
  --tls-cert-file "$P/apiserver.crt" --tls-private-key-file "$P/apiserver.key" --client-ca-file "$P/ca.crt" \
  --kubelet-client-certificate "$P/apiserver-kubelet-client.crt" --kubelet-client-key "$P/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$P/ca.crt" --kubelet-preferred-address-types InternalIP \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$P/sa.pub" --service-account-signing-key-file "$P/sa.key" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
  --allow-privileged=true --profiling=false
wait_for kube-apiserver 120 curl -fsS --cacert "$P/ca.crt" https://127.0.0.1:6443/readyz
run kube-controller-manager kube-controller-manager \
  --kubeconfig "$P/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$P/controller-manager.kubeconfig" --authorization-kubeconfig "$P/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
  --service-account-private-key-file "$P/sa.key" --root-ca-file "$P/ca.crt" \
  --cluster-signing-cert-file "$P/ca.crt" --cluster-signing-key-file "$P/ca.key" \
  --service-cluster-ip-range "$SVC_CIDR" --controllers '*,bootstrapsigner,tokencleaner'
run kube-scheduler kube-scheduler \
  --kubeconfig "$P/scheduler.kubeconfig" \
  --authentication-kubeconfig "$P/scheduler.kubeconfig" --authorization-kubeconfig "$P/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false

# --- cluster DNS: CoreDNS runs as a pod (addons/coredns.yaml, applied by cluster.sh) behind the
# Service kube-dns at this fixed address, as kubeadm sets it up
CLUSTER_DNS=${CLUSTER_DNS:-10.96.0.10}

# --- the image registry: distribution (hack/airgap's build) on the node address, TLS with a
# certificate of the cluster's CA; pods pull from it and Kyverno verifies signatures in it at
# $NODE_IP:5000, the host pushes to it through nsfwd (cluster.sh). Its storage is wiped at start.
REGISTRY=""
if [ -x "$BIN/registry" ]; then
  mkdir -p "$S/registry/data"
  cat > "$S/registry/config.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $S/registry/data}
  delete: {enabled: true}
http:
  addr: $NODE_IP:5000
  tls: {certificate: $P/registry.crt, key: $P/registry.key}
EOF
  run registry registry serve "$S/registry/config.yml"
  REGISTRY=$NODE_IP:5000
  wait_for registry 30 curl -fsS --cacert "$P/ca.crt" "https://$REGISTRY/v2/"
fi

# --- containerd with runc and the CNI bridge
mkdir -p "$S/containerd/root" "$S/containerd/opt" "$S/cni/net.d" "$S/cni/ipam" "$S/pod-logs" "$S/kubelet"
# containerd trusts the registry's CA for that host only (config_path's hosts.toml)
if [ -n "$REGISTRY" ]; then
  mkdir -p "$S/containerd/certs.d/$REGISTRY"
  cat > "$S/containerd/certs.d/$REGISTRY/hosts.toml" <<EOF
server = "https://$REGISTRY"
[host."https://$REGISTRY"]
  capabilities = ["pull", "resolve"]
  ca = "$P/ca.crt"
EOF
fi
cat > "$S/cni/net.d/10-taskboard.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "taskboard",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {"type": "host-local", "dataDir": "$S/cni/ipam", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}]}
    }
  ]
}
EOF
cat > "$S/containerd/config.toml" <<EOF
version = 3
root = "$S/containerd/root"
state = "/run/containerd/state"
disabled_plugins = ["io.containerd.nri.v1.nri", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins.'io.containerd.internal.v1.opt']
  path = "$S/containerd/opt"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "registry.k8s.io/pause:3.10.2"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "$S/containerd/certs.d"
[plugins.'io.containerd.cri.v1.runtime']
  cdi_spec_dirs = []
  # This machine drops CAP_SYS_RESOURCE: lowering oom_score_adj (the sandbox asks -998) fails in runc's
  # nsexec ("can't get final child's PID from pipe: EOF"). Clamp to containerd's own score instead.
  restrict_oom_score_adj = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = "$BIN/runc"
      SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$BIN/cni"]
    conf_dir = "$S/cni/net.d"
EOF
run containerd containerd --config "$S/containerd/config.toml"
wait_for containerd 60 ctr --address /run/containerd/containerd.sock version
for t in "$IMG"/*.tar "$S"/images/*.tar; do
  [ -f "$t" ] || continue
  ctr --address /run/containerd/containerd.sock -n k8s.io images import "$t" >>"$L/images.log" 2>&1 ||
    { log "import of $t failed: $(tail -1 "$L/images.log")"; }
done
log "images: $(ctr --address /run/containerd/containerd.sock -n k8s.io images ls -q | tr '\n' ' ')"

# --- the kubelet
cat > "$S/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $P/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $P/kubelet-serving.crt
tlsPrivateKeyFile: $P/kubelet-serving.key
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: $CG_ROOT
# This machine has cgroup v1 only (hybrid: v1 controllers, an empty v2 at /sys/fs/cgroup/unified).
failCgroupV1: false
failSwapOn: false
clusterDomain: cluster.local
clusterDNS: [$CLUSTER_DNS]
resolvConf: $S/resolv.conf
podLogsDir: $S/pod-logs
serializeImagePulls: false
evictionHard: {memory.available: "100Mi", nodefs.available: "2%", imagefs.available: "2%"}
# A shared disk dips below 2% for a moment (a build elsewhere): every pod created within the
# default 5 minutes after is rejected (DiskPressure), long after the space came back.
evictionPressureTransitionPeriod: 30s
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
EOF
: > "$S/resolv.conf"
run kubelet kubelet --config "$S/kubelet/config.yaml" --kubeconfig "$P/kubelet.kubeconfig" \
  --root-dir "$S/kubelet" --hostname-override "$NODE" --node-ip "$NODE_IP" --v 1

# --- Services: kube-proxy (iptables mode, in this namespace's own iptables), when built. It leaves
# the machine-wide conntrack settings alone (maxPerCore 0, timeouts 0: "do not change").
if [ -x "$BIN/kube-proxy" ]; then
  cat > "$S/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $P/kube-proxy.kubeconfig}
hostnameOverride: $NODE
mode: iptables
# no masqueradeAll: a NetworkPolicy must see the client pod's address, not the node's
nodePortAddresses: [primary]
clusterCIDR: $POD_CIDR
bindAddress: $NODE_IP
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  run kube-proxy kube-proxy --config "$S/kube-proxy.yaml"
fi

# --- volumes: the default StorageClass "local" and its provisioner (cmd/provisioner)
mkdir -p "$S/volumes"
run provisioner provisioner -kubeconfig "$P/admin.kubeconfig" -root "$S/volumes"

# --- NetworkPolicies: kube-router's firewall alone (no BGP router, no service proxy: the bridge
# routes pods, kube-proxy serves Services), enforcing them in this namespace's iptables and ipsets
if [ -x "$BIN/kube-router" ]; then
  command -v ipset >/dev/null || { log "kube-router needs ipset (Debian: apt-get install ipset)"; exit 1; }
  # it finds its node by name at start: once the kubelet has registered it
  wait_for "node $NODE registered" 120 kubectl --kubeconfig "$P/admin.kubeconfig" get node "$NODE" || exit 1
  run kube-router kube-router --kubeconfig "$P/admin.kubeconfig" --hostname-override "$NODE" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
    --service-cluster-ip-range "$SVC_CIDR" --health-port 0 --metrics-port 0 --v 1
fi

log "all started"
touch "$S/started"
# PID 1 stays, so the namespaces live; a component that dies is logged, not restarted
while :; do
  wait -n || log "a component exited ($?): see $L"
  [ -z "$(jobs -rp)" ] && { log "every component exited"; exit 1; }
done
