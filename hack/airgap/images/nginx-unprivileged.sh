#!/usr/bin/env bash
# Stand-in for docker.io/nginxinc/nginx-unprivileged:1.30-alpine-slim: Debian bookworm's nginx
# binary (/usr/sbin/nginx) with its libraries, user nginx 101:101 (home /var/cache/nginx),
# /etc/nginx (owned 101:0, group-writable, as upstream) with a default nginx.conf like
# upstream's unprivileged one (no `user`, pid /tmp/nginx.pid, temp paths in /tmp) and
# conf.d/default.conf (listen 8080), /usr/share/nginx/html, logs linked to /dev/stdout and
# /dev/stderr, tzdata, envsubst (gettext-base), /docker-entrypoint.sh and /docker-entrypoint.d/
# (own scripts, files/nginx-unprivileged/: 10-listen-on-ipv6-by-default.sh,
# 15-local-resolvers.envsh, 20-envsubst-on-templates.sh with NGINX_ENVSUBST_TEMPLATE_DIR,
# _TEMPLATE_SUFFIX, _OUTPUT_DIR and _FILTER, 30-tune-worker-processes.sh), ENTRYPOINT
# ["/docker-entrypoint.sh"], CMD ["nginx", "-g", "daemon off;"], EXPOSE 8080, STOPSIGNAL
# SIGQUIT, USER 101.
# Like upstream's alpine-slim variant, no njs, xslt, geoip or image-filter module, no curl.
# Differs from upstream:
#   - nginx 1.22.1 (Debian's, with Debian's patches), not 1.30; NGINX_VERSION says 1.22.1.
#     Its compiled-in paths are Debian's: prefix /usr/share/nginx, default temp paths
#     /var/lib/nginx/* (created, owned by 101, unused by the nginx.conf here), default pid
#     /run/nginx.pid (nginx.conf sets /tmp/nginx.pid; `nginx -s` with another config looks
#     there), modules in /usr/lib/nginx/modules, linked as /etc/nginx/modules and
#     /usr/share/nginx/modules so that `load_module modules/....so` works as upstream.
#   - stream and mail are dynamic modules here (ngx_stream_module.so, ngx_mail_module.so: a
#     config with a stream {} or mail {} block needs load_module first; upstream builds them in).
#   - base: static busybox (sh, wget for the HEALTHCHECK) with glibc, not Alpine/musl; no apk
#     and no Alpine package database, so Trivy and Syft find no OS packages here, where they
#     list upstream's Alpine packages; the entrypoint does not render stream templates
#     (NGINX_ENVSUBST_STREAM_TEMPLATE_*).
#   - linux/arm64 (as upstream, an image index of both): the same layout from Debian's arm64
#     packages (nginx, its modules, gettext-base, busybox-static and the libraries they need,
#     found with readelf), the archive's current versions rather than the host's; never run
#     here: its check is that every ELF file is AArch64 and finds its libraries.
# airgap-platforms: linux/amd64 linux/arm64
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib-debian.sh"

work="$1"
root="$work/rootfs"
files="$here/files/nginx-unprivileged"
mkdir -p "$root"

busybox_rootfs "$root"

# nginx, unpacked (not installed: the package would start a server on the build host). For a
# foreign platform, with gettext-base (envsubst) and the libraries they need, of that platform.
stage="$work/stage"
if airgap_foreign; then
  deb_extract_foreign "$stage" nginx nginx-common libnginx-mod-stream libnginx-mod-mail gettext-base \
    libc6 libcrypt1 libpcre2-8-0 libssl3 zlib1g
  nginx_version="$(deb_field_foreign "$stage" nginx Version | sed 's/-[^-]*$//; s/^[0-9]*://')"
  link_libs() { elf_libs_foreign "$root" "$stage" "$@"; }
else
  deb_extract "$stage" nginx nginx-common libnginx-mod-stream libnginx-mod-mail
  nginx_version="$("$stage/usr/sbin/nginx" -v 2>&1 | sed -n 's|^nginx version: nginx/||p')"
  link_libs() { elf_libs "$root" "$@"; }
fi
rootfs_install "$root" "$stage/usr/sbin/nginx" /usr/sbin/nginx
link_libs "$stage/usr/sbin/nginx"
mkdir -p "$root/usr/lib/nginx/modules"
for so in "$stage"/usr/lib/nginx/modules/*.so; do
  rootfs_install "$root" "$so" "/usr/lib/nginx/modules/$(basename "$so")"
  link_libs "$so"
done
mkdir -p "$root/usr/share/nginx" "$root/etc/nginx/conf.d"
ln -sfn ../../lib/nginx/modules "$root/usr/share/nginx/modules"
ln -sfn ../../usr/lib/nginx/modules "$root/etc/nginx/modules"
for f in mime.types fastcgi_params scgi_params uwsgi_params koi-utf koi-win win-utf; do
  cp "$stage/etc/nginx/$f" "$root/etc/nginx/$f"
done

apt_install gettext-base tzdata
if airgap_foreign; then
  rootfs_install "$root" "$stage/usr/bin/envsubst" /usr/bin/envsubst
  link_libs "$stage/usr/bin/envsubst"
else
  copy_with_libs "$root" /usr/bin/envsubst
fi
rm -rf "$stage"
mkdir -p "$root/usr/share"
cp -a /usr/share/zoneinfo "$root/usr/share/zoneinfo"

# Configuration, pages and the entrypoint.
install -m 0644 "$files/nginx.conf" "$root/etc/nginx/nginx.conf"
install -m 0644 "$files/default.conf" "$root/etc/nginx/conf.d/default.conf"
install -m 0644 "$files/default.conf" "$root/usr/share/nginx/default.conf" # pristine copy
mkdir -p "$root/usr/share/nginx/html"
install -m 0644 "$files/index.html" "$files/50x.html" "$root/usr/share/nginx/html/"
install -m 0755 "$files/docker-entrypoint.sh" "$root/docker-entrypoint.sh"
mkdir -p "$root/docker-entrypoint.d"
install -m 0755 "$files"/docker-entrypoint.d/* "$root/docker-entrypoint.d/"

# The user and what it must be able to write, as upstream (plus Debian's compiled-in dirs).
add_user "$root" nginx 101 101 /var/cache/nginx /sbin/nologin
mkdir -p "$root/var/log/nginx" "$root/var/lib/nginx" "$root/var/cache/nginx" "$root/run"
for d in body proxy fastcgi uwsgi scgi; do mkdir -p "$root/var/lib/nginx/$d"; done
ln -sfn /dev/stdout "$root/var/log/nginx/access.log"
ln -sfn /dev/stderr "$root/var/log/nginx/error.log"
chown -R 101:0 "$root/var/cache/nginx" "$root/var/lib/nginx" "$root/etc/nginx"
chmod -R g+w "$root/var/cache/nginx" "$root/var/lib/nginx" "$root/etc/nginx"

# As 101, with stderr a pipe of its own: /var/log/nginx/error.log is /dev/stderr, which a
# non-root process may reopen only if it owns the pipe (runc hands the container's stdio to
# the container's user; this chroot does not). /tmp is a tmpfs of the check's own: nginx -t
# creates its pid file and temp paths there, which upstream's image does not ship (owned by
# 101, they stopped the chart's uid from starting nginx).
# A foreign platform's binaries do not run here: check what can be read instead.
if airgap_foreign; then
  check_elves_foreign "$root"
else
  rootfs_run "$root" --user 101:101 --tmpfs /tmp:mode=1777 /bin/sh -c 'set -o pipefail; /usr/sbin/nginx -t 2>&1 | cat' >&2
fi
[ -z "$(ls -A "$root/tmp")" ] || { echo "nginx-unprivileged: /tmp must ship empty, holds: $(ls -A "$root/tmp")" >&2; exit 1; }

write_image_conf "$work" "$(
  cat <<JSON
{
  "entrypoint": ["/docker-entrypoint.sh"],
  "cmd": ["nginx", "-g", "daemon off;"],
  "user": "101",
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=$nginx_version"],
  "workdir": "",
  "exposedPorts": ["8080/tcp"],
  "stopSignal": "SIGQUIT",
  "labels": {}
}
JSON
)"
write_ref "$work" "nginxinc/nginx-unprivileged:1.30-alpine-slim"
