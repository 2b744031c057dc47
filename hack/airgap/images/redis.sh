#!/usr/bin/env bash
# Stand-in for public.ecr.aws/docker/library/redis:8.10.1-alpine, the image Argo CD v3.6.2's
# install.yaml runs as argocd-redis (its cache: `--save "" --appendonly no --requirepass ...`,
# nothing persisted). Upstream: Alpine, redis-server 8.10.1 and its tools in /usr/local/bin, user
# redis 999:1000, WORKDIR and VOLUME /data, ENTRYPOINT ["docker-entrypoint.sh"] (an option as
# first argument runs redis-server), CMD ["redis-server"], EXPOSE 6379.
# Differs from upstream:
#   - Redis 7.0.15, Debian bookworm's (redis-server, redis-cli), not 8.10.1: Debian has no Redis 8.
#     Argo CD uses Redis as a cache with plain GET/SET/pub-sub commands that 7.0 serves; the
#     version is the difference that matters;
#   - glibc with Debian's libraries (jemalloc, lzf, OpenSSL 3.0, libsystemd) on Debian's static
#     busybox instead of musl/Alpine; own entrypoint (files/redis-entrypoint.sh: the option rule
#     and the step-down from root, with busybox su instead of su-exec); no redis-sentinel link,
#     redis-benchmark or redis-check-aof.
#   The same: user redis 999:1000, /data (owned by redis, a VOLUME), workdir, entrypoint,
#   cmd, port, the binaries on PATH in /usr/local/bin.
# airgap-set: cluster
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib-debian.sh"

work="$1"
root="$work/rootfs"
want=7.0.15
mkdir -p "$root"
# A server package: unpacked, not installed (its maintainer scripts would start it on this host).
stage="$work/stage"
deb_extract "$stage" redis-tools
apt_install libjemalloc2 liblzf1 libssl3 libsystemd0 libatomic1

busybox_rootfs "$root"
mkdir -p "$root/usr/local/bin"
install -m 0755 "$stage/usr/bin/redis-check-rdb" "$root/usr/local/bin/redis-server"
install -m 0755 "$stage/usr/bin/redis-cli" "$root/usr/local/bin/redis-cli"
elf_libs "$root" "$stage/usr/bin/redis-check-rdb" "$stage/usr/bin/redis-cli"
install -m 0755 "$here/files/redis-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"

add_user "$root" redis 999 1000 /home/redis /sbin/nologin
sed -i 's/^redis:x:1000:$/redis:x:1000:redis/' "$root/etc/group"
mkdir -p "$root/data"
chown 999:1000 "$root/data"

out="$(rootfs_run "$root" --user 999:1000 --read-only /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin sh -euc '
  redis-server --version
  cd /data
  docker-entrypoint.sh --save "" --appendonly no --port 16379 --requirepass\ pw --daemonize no & pid=$!
  i=0; until redis-cli -p 16379 -a pw --no-auth-warning ping 2>/dev/null; do i=$((i+1)); [ $i -lt 50 ] || exit 1; sleep 0.1; done
  redis-cli -p 16379 -a pw --no-auth-warning set k v >/dev/null; redis-cli -p 16379 -a pw --no-auth-warning get k
  kill $pid; wait $pid || true')"
airgap_log "$out"
grep -q "Redis server v=$want" <<<"$out"
grep -qx PONG <<<"$out"
grep -qx v <<<"$out"

write_image_conf "$work" '{
  "entrypoint": ["docker-entrypoint.sh"],
  "cmd": ["redis-server"],
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
  "workdir": "/data",
  "exposedPorts": ["6379/tcp"],
  "volumes": ["/data"],
  "labels": {"org.opencontainers.image.description": "air-gap stand-in for redis:8.10.1-alpine (Debian Redis 7.0.15), built by hack/airgap"}
}'
write_ref "$work" docker/library/redis:8.10.1-alpine
