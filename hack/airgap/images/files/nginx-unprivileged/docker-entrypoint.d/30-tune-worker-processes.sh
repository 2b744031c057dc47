#!/bin/sh
# With NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE set, sets worker_processes in
# /etc/nginx/nginx.conf to the CPUs this container may use: the cgroup's CPU quota (v2 cpu.max,
# v1 cpu.cfs_quota_us/cpu.cfs_period_us), rounded up, else the CPUs available (nproc). Does
# nothing when nginx.conf is not writable.
set -e

log() { [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$0: $*"; }

[ -n "${NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE:-}" ] || exit 0
conf=/etc/nginx/nginx.conf
[ -w "$conf" ] || { log "info: cannot write $conf, worker_processes left alone"; exit 0; }

cpus=""
if [ -r /sys/fs/cgroup/cpu.max ]; then
  read -r quota period </sys/fs/cgroup/cpu.max
  [ "$quota" != max ] && cpus=$(((quota + period - 1) / period))
elif [ -r /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] && [ -r /sys/fs/cgroup/cpu/cpu.cfs_period_us ]; then
  quota="$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)"
  period="$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"
  [ "$quota" -gt 0 ] && cpus=$(((quota + period - 1) / period))
fi
available="$(nproc)"
if [ -z "$cpus" ] || [ "$cpus" -gt "$available" ]; then cpus="$available"; fi
[ "$cpus" -ge 1 ] || cpus=1

sed -i "s/^\([[:space:]]*worker_processes\)[[:space:]].*;/\1  $cpus;/" "$conf"
log "info: worker_processes set to $cpus"
