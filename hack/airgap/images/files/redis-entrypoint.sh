#!/bin/sh
# docker-entrypoint.sh of the redis stand-in: upstream's behaviour for what Argo CD runs
# (an option as first argument runs redis-server with it); root steps down to redis with busybox
# su, as upstream does with su-exec (Argo CD's pod runs as 999 anyway).
set -e
case "${1:-}" in -*|*.conf) set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' + 2>/dev/null || true
  exec su redis -s /bin/sh -c 'exec "$0" "$@"' -- "$@"
fi
umask 0077
exec "$@"
