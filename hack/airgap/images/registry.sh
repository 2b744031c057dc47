#!/usr/bin/env bash
# Stand-in for docker.io/library/registry:2.8.3 (Alpine 3.18 + the distribution v2.8.3 release
# binary at /bin/registry, /etc/docker/registry/config.yml, volume /var/lib/registry, port 5000,
# entrypoint ["/entrypoint.sh"] that turns a config path into `registry serve CONFIG`, cmd
# ["/etc/docker/registry/config.yml"], user root).
# Differs from upstream: the registry binary is compiled from the Go module proxy. distribution
# v2.8.3 has no go.mod (it vendored from vendor.conf) and most commits vendor.conf pins are not
# on the proxy, so it is built in the module ./registry, whose go.sum freezes newer dependency
# versions the proxy has (logrus-logstash-hook held at v0.4.1 for its API); rsc.io/letsencrypt,
# gone from the proxy and useless since ACME v1 was retired, is replaced by a stub that fails if
# configured. Built with include_oss but without include_gcs (the 2015 GCS client does not build
# against any google.golang.org/api the proxy has), so the gcs storage driver is missing;
# `registry --version` shows no git revision. Base is Debian's static busybox instead of
# Alpine (no apk, no apache2-utils/htpasswd); /entrypoint.sh and config.yml are written here with
# the upstream image's behaviour and settings. Entrypoint, cmd, paths, volume, port and user are
# the same.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

work="$1"
rootfs="$work/rootfs"
version=v2.8.3
module=github.com/docker/distribution

# build_registry OUT: the static registry binary, built from the module in ./registry (its go.mod
# says why it exists); Go's build cache makes a rebuild take seconds.
build_registry() {
  local out="$1"
  (
    cd "$(dirname "${BASH_SOURCE[0]}")/registry"
    CGO_ENABLED=0 go build -trimpath -tags include_oss -o "$out" \
      -ldflags "-s -w -X $module/version.Version=${version#v} -X $module/version.Package=$module" \
      "$module/cmd/registry"
  ) >&2
}

busybox_rootfs "$rootfs"
build_registry "$rootfs/bin/registry"

mkdir -p "$rootfs/etc/docker/registry" "$rootfs/var/lib/registry"
cat >"$rootfs/etc/docker/registry/config.yml" <<'YAML'
# The upstream image's settings: filesystem storage, no auth, plain HTTP on port 5000.
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
YAML

cat >"$rootfs/entrypoint.sh" <<'SH'
#!/bin/sh
# A config file as first argument means "serve it"; registry subcommands and flags go to the
# registry binary; anything else runs as given.
set -e
case "$1" in
  *.yaml | *.yml) set -- registry serve "$@" ;;
  serve | garbage-collect | help | -*) set -- registry "$@" ;;
esac
exec "$@"
SH
chmod 0755 "$rootfs/entrypoint.sh"

out="$(chroot "$rootfs" /entrypoint.sh --version)"
airgap_log "$out"
grep -q "${version#v}" <<<"$out"

cat >"$work/image.conf" <<'JSON'
{
  "entrypoint": ["/entrypoint.sh"],
  "cmd": ["/etc/docker/registry/config.yml"],
  "exposedPorts": ["5000/tcp"],
  "volumes": ["/var/lib/registry"],
  "labels": {"org.opencontainers.image.description": "air-gap stand-in for registry:2.8.3, built by hack/airgap"}
}
JSON
write_ref "$work" library/registry:2.8.3
