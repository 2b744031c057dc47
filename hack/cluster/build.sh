#!/bin/bash
# Builds every binary and image the one-node cluster runs, from the Go module proxy and Debian only,
# at low priority, into a cache keyed on what each piece is built from (its versions, go.mod/go.sum
# and build flags), so a second run finds everything and takes seconds.
#   build.sh [all|k8s|kube-proxy|coredns|kube-router|etcd|containerd|cni|runc|tools|registry|images]    (default all)
#   build.sh dir        prints the folder of finished binaries (bin/) and images (img/)
# Cache: $TASKBOARD_CLUSTER_CACHE (default ~/.cache/taskboard-cluster). Nothing outside it is written,
# except Go's own module and build caches.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
C=${TASKBOARD_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-cluster}
export PATH=/usr/local/go/bin:$PATH GOFLAGS=-buildvcs=false GOTOOLCHAIN=${GOTOOLCHAIN:-local}
NICE="nice -n 19"
K8S_VERSION=v1.37.2
K8S_BUILD_DATE=2026-10-27T12:01:04Z # the module proxy's time for k8s.io/kubernetes v1.37.2: reproducible
ETCD_VERSION=v3.7.4
CONTAINERD_VERSION=v2.4.2
CNI_VERSION=v1.9.0
COREDNS_VERSION=v1.14.6 # what kubeadm v1.37.2 installs (cmd/kubeadm/app/constants: CoreDNSVersion)
# NetworkPolicy enforcement: kube-router's firewall alone (iptables + ipset), the one enforcing
# implementation this kernel can run (no nft_queue for kube-network-policies, no eBPF for Cilium).
# v2.1.0 is the only version the module proxy serves; advisories reported against it concern its
# BGP router and service proxy, which are not run here (README).
KUBE_ROUTER_VERSION=v2.1.0
PAUSE_IMAGE=registry.k8s.io/pause:3.10.2 # containerd v2's default sandbox image name
COREDNS_IMAGE=registry.k8s.io/coredns/coredns:$COREDNS_VERSION # the name kubeadm gives it (addons/coredns.yaml)
BIN=$C/bin IMG=$C/img
mkdir -p "$BIN" "$IMG" "$C/logs" "$C/src"

log() { printf '%s build: %s\n' "$(date -u +%T)" "$*" >&2; }
# key WORDS... FILES... : a short hash of the words and the files' contents
key() { { for a in "$@"; do if [ -f "$a" ]; then cat "$a"; else echo "$a"; fi; done; } | sha256sum | cut -c1-12; }
# done_mark NAME KEY : true when NAME was built with KEY
built() { [ "$(cat "$C/stamp/$1" 2>/dev/null)" = "$2" ]; }
stamp() { mkdir -p "$C/stamp"; echo "$2" > "$C/stamp/$1"; }
# moddir MOD@VER : a writable copy of a module's zip, for modules built with their own go.mod
moddir() {
  local d=$C/src/${1//\//_}
  if [ ! -f "$d/.ok" ]; then
    local s; s=$(go mod download -json "$1" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    [ -n "$s" ] || { echo "go mod download $1 failed" >&2; return 1; }
    rm -rf "$d"; cp -r "$s" "$d"; chmod -R u+w "$d"; touch "$d/.ok"
  fi
  echo "$d"
}

k8s() { # kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kubectl in ONE go build
  local m=$HERE/build/k8s
  local X="-X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
  X+=" -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/component-base/version.gitTreeState=clean"
  X+=" -X k8s.io/component-base/version.buildDate=$K8S_BUILD_DATE"
  X+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1"
  X+=" -X k8s.io/client-go/pkg/version.gitMinor=37 -X k8s.io/client-go/pkg/version.gitTreeState=clean"
  X+=" -X k8s.io/client-go/pkg/version.buildDate=$K8S_BUILD_DATE"
  local LD="-s -w $X" k; k=$(key k8s "$LD" "$m/go.mod" "$m/go.sum")
  [ "${1:-}" = key ] && { echo "$k"; return; }
  [ "${1:-}" = ld ] && { echo "$LD"; return; }
  built k8s "$k" && return
  log "kubernetes $K8S_VERSION (5 binaries, one go build; ~40 min cold at nice 19 on 2 cores)"
  local t=$SECONDS
  (cd "$m" && CGO_ENABLED=0 $NICE go build -trimpath -ldflags "$LD" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl)
  "$BIN/kube-apiserver" --version | grep -qx "Kubernetes $K8S_VERSION" || { echo "kube-apiserver reports $("$BIN/kube-apiserver" --version), want $K8S_VERSION" >&2; return 1; }
  stamp k8s "$k"; log "kubernetes built in $((SECONDS - t)) s"
}

kube_proxy() { # kube-proxy, in its own go build so the five above keep their stamp (shares Go's build cache)
  local m=$HERE/build/k8s LD; LD=$(k8s ld)
  local k; k=$(key kube-proxy "$LD" "$m/go.mod" "$m/go.sum")
  built kube-proxy "$k" && return
  log "kube-proxy $K8S_VERSION"; local t=$SECONDS
  (cd "$m" && CGO_ENABLED=0 $NICE go build -trimpath -ldflags "$LD" -o "$BIN/" k8s.io/kubernetes/cmd/kube-proxy)
  stamp kube-proxy "$k"; log "kube-proxy built in $((SECONDS - t)) s"
}

coredns() { # CoreDNS, from the module zip with its own go.mod (its generated plugin list included)
  local P=github.com/coredns/coredns LD="-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION"
  local k; k=$(key coredns "$COREDNS_VERSION" "$LD")
  built coredns "$k" && return
  log "CoreDNS $COREDNS_VERSION"; local t=$SECONDS
  local d; d=$(moddir "$P@$COREDNS_VERSION")
  (cd "$d" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" $NICE go build -trimpath -ldflags "$LD" -o "$BIN/coredns" .)
  stamp coredns "$k"; log "CoreDNS built in $((SECONDS - t)) s"
}

etcd() { # etcd's own server (etcdmain.Main), in build/etcd's module
  local m=$HERE/build/etcd LD="-s -w"
  local k; k=$(key etcd "$ETCD_VERSION" "$LD" "$m/go.mod" "$m/go.sum" "$m/main.go")
  built etcd "$k" && return
  log "etcd $ETCD_VERSION"; local t=$SECONDS
  (cd "$m" && CGO_ENABLED=0 $NICE go build -trimpath -ldflags "$LD" -o "$BIN/etcd" .)
  stamp etcd "$k"; log "etcd built in $((SECONDS - t)) s"
}

containerd() { # containerd, its runc shim and ctr, from the module zip with containerd's own go.mod
  local P=github.com/containerd/containerd/v2
  local LD="-s -w -X $P/version.Version=$CONTAINERD_VERSION -X $P/version.Package=$P"
  local TAGS="urfave_cli_no_docs no_btrfs no_devmapper no_zfs"
  local k; k=$(key containerd "$CONTAINERD_VERSION" "$LD" "$TAGS")
  built containerd "$k" && return
  log "containerd $CONTAINERD_VERSION (containerd, containerd-shim-runc-v2, ctr)"; local t=$SECONDS
  local d; d=$(moddir "$P@$CONTAINERD_VERSION")
  (cd "$d" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" $NICE go build -trimpath -tags "$TAGS" -ldflags "$LD" -o "$BIN/" ./cmd/containerd ./cmd/ctr)
  (cd "$d" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" $NICE go build -trimpath -tags "$TAGS no_grpc" -ldflags "$LD" -o "$BIN/" ./cmd/containerd-shim-runc-v2)
  stamp containerd "$k"; log "containerd built in $((SECONDS - t)) s"
}

cni() { # CNI plugins (as the Dagger rig builds them): bridge, host-local, loopback, portmap
  local k; k=$(key cni "$CNI_VERSION" bridge host-local loopback portmap)
  built cni "$k" && return
  log "CNI plugins $CNI_VERSION"; local t=$SECONDS
  local d; d=$(moddir "github.com/containernetworking/plugins@$CNI_VERSION")
  mkdir -p "$BIN/cni"
  (cd "$d" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" $NICE go build -trimpath -ldflags "-s -w" -o "$BIN/cni/" \
    ./plugins/main/bridge ./plugins/ipam/host-local ./plugins/main/loopback ./plugins/meta/portmap)
  stamp cni "$k"; log "CNI plugins built in $((SECONDS - t)) s"
}

kube_router() { # kube-router, from the module zip with its own go.mod; run with its firewall only
  local P=github.com/cloudnativelabs/kube-router/v2
  local LD="-s -w -X $P/pkg/version.Version=$KUBE_ROUTER_VERSION -X $P/pkg/version.BuildDate=$K8S_BUILD_DATE"
  local k; k=$(key kube-router "$KUBE_ROUTER_VERSION" "$LD")
  built kube-router "$k" && return
  log "kube-router $KUBE_ROUTER_VERSION"; local t=$SECONDS
  local d; d=$(moddir "$P@$KUBE_ROUTER_VERSION")
  (cd "$d" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" $NICE go build -trimpath -ldflags "$LD" -o "$BIN/kube-router" ./cmd/kube-router)
  stamp kube-router "$k"; log "kube-router built in $((SECONDS - t)) s"
}

runc() { # Debian's runc (the Dagger rig uses it too), and ipset for kube-router
  if ! command -v /usr/sbin/runc >/dev/null || ! command -v /usr/sbin/ipset >/dev/null; then
    log "installing Debian's runc and ipset"; apt-get install -y --no-install-recommends runc ipset >/dev/null || { echo "apt-get install runc ipset failed: run apt-get update first" >&2; return 1; }
  fi
  cmp -s /usr/sbin/runc "$BIN/runc" || install -m755 /usr/sbin/runc "$BIN/runc"
}

tools() { # this folder's helpers: pki, nsfwd, pause, provisioner; the airgap image builder (root module)
  local k; k=$(key tools "$HERE/go.mod" "$HERE/go.sum" "$HERE"/cmd/*/*.go)
  if ! built tools "$k"; then
    (cd "$HERE" && CGO_ENABLED=0 $NICE go build -trimpath -ldflags "-s -w" -o "$BIN/" ./cmd/pki ./cmd/nsfwd ./cmd/pause ./cmd/provisioner)
    stamp tools "$k"
  fi
  local r; r=$(cd "$HERE/../.." && pwd)
  k=$(key mkimage "$r/go.sum" "$r"/hack/airgap/mkimage/main.go)
  if ! built mkimage "$k"; then
    (cd "$r" && CGO_ENABLED=0 $NICE go build -trimpath -o "$BIN/mkimage" ./hack/airgap/mkimage)
    stamp mkimage "$k"
  fi
}

registry() { # the node's image registry: hack/airgap's stand-in build of distribution v2.8.3 (its own module)
  local m; m=$(cd "$HERE/../airgap/images/registry" && pwd)
  local k; k=$(key registry "$m/go.mod" "$m/go.sum")
  built registry "$k" && return
  log "registry (distribution v2.8.3, hack/airgap/images/registry)"
  (cd "$m" && CGO_ENABLED=0 $NICE go build -trimpath -tags include_oss -ldflags "-s -w" -o "$BIN/registry" github.com/docker/distribution/cmd/registry)
  stamp registry "$k"
}

# one_file_image NAME BINARY REF CONF: an image holding BINARY as its only file (/NAME), with the
# image config CONF, as an OCI archive img/NAME.tar that the node's containerd imports at start
one_file_image() {
  local name=$1 bin=$2 ref=$3 conf=$4
  local k; k=$(key "$name-image" "$bin" "$BIN/mkimage" "$ref" "$conf")
  built "$name-image" "$k" && return
  local w=$C/work/$name; rm -rf "$w"; mkdir -p "$w/rootfs"
  install -m755 "$bin" "$w/rootfs/$name"
  echo "$conf" > "$w/image.conf"
  SOURCE_DATE_EPOCH=0 "$BIN/mkimage" build -out "$w/oci" -conf "$w/image.conf" -ref "$ref" "$w/rootfs" > "$w/digest"
  tar -C "$w/oci" -cf "$IMG/$name.tar" .
  stamp "$name-image" "$k"; log "$name image $(cat "$w/digest")"
}

images() { # the pod sandbox image: our static pause, waiting for SIGTERM
  one_file_image pause "$BIN/pause" "$PAUSE_IMAGE" '{"entrypoint":["/pause"],"user":"65535:65535"}'
}

coredns_image() { # CoreDNS as the cluster's DNS pod (addons/coredns.yaml), user 65532
  one_file_image coredns "$BIN/coredns" "$COREDNS_IMAGE" '{"entrypoint":["/coredns"],"user":"65532:65532","exposedPorts":["53/udp","53/tcp"]}'
}

# One build at a time per cache (two starts of make test-cluster must not compile twice).
exec 8>"$C/.build.lock"
flock 8

case "${1:-all}" in
  dir) echo "$C" ;;
  k8s-key) k8s key ;; # the stamp a finished Kubernetes build is recorded under
  k8s|etcd|containerd|cni|runc|tools|registry|images) "$1" ;;
  kube-proxy) kube_proxy ;;
  kube-router) kube_router ;;
  coredns) coredns; coredns_image ;;
  all) runc; tools; registry; images; etcd; cni; containerd; k8s; kube_proxy; coredns; coredns_image; kube_router ;;
  *) echo "usage: $0 [all|k8s|kube-proxy|coredns|kube-router|etcd|containerd|cni|runc|tools|registry|images|dir]" >&2; exit 2 ;;
esac
