#!/bin/sh
# Adds `listen [::]:8080;` to the image's own /etc/nginx/conf.d/default.conf when the kernel has
# IPv6 and the file is still exactly the one the image ships (a pristine copy is kept in
# /usr/share/nginx/default.conf); a changed, removed or read-only file is left alone.
set -e

log() { [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$0: $*"; }

conf=/etc/nginx/conf.d/default.conf
pristine=/usr/share/nginx/default.conf

[ -f /proc/net/if_inet6 ] || { log "info: IPv6 is not available"; exit 0; }
[ -f "$conf" ] || { log "info: $conf is not a file or does not exist"; exit 0; }
[ -w "$conf" ] || { log "info: cannot write $conf (read-only file system?)"; exit 0; }
if grep -q 'listen[[:space:]]*\[::\]:8080;' "$conf"; then
  exit 0
fi
if ! cmp -s "$conf" "$pristine"; then
  log "info: $conf differs from the image's, leaving it alone"
  exit 0
fi
sed -i 's/^\([[:space:]]*\)listen[[:space:]]*8080;/&\n\1listen  [::]:8080;/' "$conf"
log "info: enabled listen on IPv6 in $conf"
