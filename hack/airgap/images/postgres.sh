#!/usr/bin/env bash
# Stand-in for docker.io/library/postgres:15.18-alpine: Debian bookworm's PostgreSQL 15.18
# server and client binaries at /usr/lib/postgresql/15/bin, each linked from /usr/local/bin
# (upstream's path) and on PATH, extensions in /usr/lib/postgresql/15/lib, share files in
# /usr/share/postgresql/15, tzdata; user postgres 70:70 (home /var/lib/postgresql, 1777),
# /var/run/postgresql (3777) and PGDATA=/var/lib/postgresql/data (1777, a VOLUME) owned by it,
# /docker-entrypoint-initdb.d, ENV PG_MAJOR PG_VERSION LANG=en_US.utf8, ENTRYPOINT
# ["docker-entrypoint.sh"] (own script, files/postgres-entrypoint.sh: initdb with
# POSTGRES_USER/PASSWORD/DB, scram-sha-256 for hosts, init scripts, step-down from root, any
# uid with nss_wrapper; also docker-ensure-initdb.sh and docker-enforce-initdb.sh), CMD
# ["postgres"], EXPOSE 5432, STOPSIGNAL SIGINT, user root, listen_addresses='*' in
# postgresql.conf.sample as upstream.
# Differs from upstream:
#   - glibc, not musl: Debian's build of 15.18 (its patches, its compiled-in paths: bin dir
#     /usr/lib/postgresql/15/bin, share /usr/share/postgresql/15, unix socket in
#     /var/run/postgresql as upstream's), with bookworm's libraries (ICU 72, OpenSSL 3.0).
#     LANG=en_US.utf8 is glibc's C.utf8 under that name (en_US.utf8 -> C.utf8): code point
#     order, as musl's collation in upstream's image; no other locales.
#   - no JIT (llvmjit.so left out: jit=on finds no provider and stays off), no PL/Perl,
#     PL/Python, PL/Tcl (not in upstream's image either), no pgxs/headers.
#   - base: static busybox (sh, coreutils, su for the step-down) plus Debian's bash; no gosu
#     or su-exec (the entrypoint uses busybox su), no zstd (*.sql.zst init scripts fail), no apk.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib-debian.sh"

work="$1"
root="$work/rootfs"
mkdir -p "$root"
pg_major=15
pg_version=15.18
bindir=/usr/lib/postgresql/$pg_major/bin
libdir=/usr/lib/postgresql/$pg_major/lib
sharedir=/usr/share/postgresql/$pg_major

apt_install "postgresql-$pg_major" tzdata
have="$("$bindir/postgres" --version)"
case "$have" in
  "postgres (PostgreSQL) $pg_version "*) ;;
  *) echo "$bindir/postgres is '$have', want $pg_version" >&2; exit 1 ;;
esac

busybox_rootfs "$root"
bash_rootfs "$root"

# Server and client programs, each with its libraries; links in /usr/local/bin.
mkdir -p "$root/usr/local/bin"
for f in "$bindir"/*; do
  name="$(basename "$f")"
  if [ -L "$f" ]; then
    mkdir -p "$root$bindir"
    ln -sfn "$(readlink "$f")" "$root$bindir/$name" # postmaster -> postgres
  else
    copy_with_libs "$root" "$f"
  fi
  ln -sfn "$bindir/$name" "$root/usr/local/bin/$name"
done

# Loadable modules (plpgsql, the contrib extensions, walreceiver, pgoutput, ...), without JIT.
mkdir -p "$root$libdir"
for f in "$libdir"/*.so; do
  case "$(basename "$f")" in llvmjit.so) continue ;; esac
  copy_with_libs "$root" "$f"
done

mkdir -p "$(dirname "$root$sharedir")"
cp -a "$sharedir" "$root$sharedir"
rm -rf "$root$sharedir/man"
# As upstream: the sample initdb copies listens on every address.
sed -ri "s/^#?(listen_addresses)[[:space:]]*=[[:space:]]*[^[:space:]]+/\1 = '*'/" "$root$sharedir/postgresql.conf.sample"
grep -q "^listen_addresses = '\*'" "$root$sharedir/postgresql.conf.sample"

mkdir -p "$root/usr/share"
cp -a /usr/share/zoneinfo "$root/usr/share/zoneinfo"

# Locales: glibc's C.utf8, also under upstream's LANG name.
mkdir -p "$root/usr/lib/locale"
cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/C.utf8"
ln -sfn C.utf8 "$root/usr/lib/locale/en_US.utf8"
# initdb imports the system's collations from `locale -a`.
copy_with_libs "$root" /usr/bin/locale

# nss_wrapper: a passwd entry for initdb when the container runs as a uid /etc/passwd lacks.
stage="$work/stage"
deb_extract "$stage" libnss-wrapper
rootfs_install "$root" "$stage/usr/lib/x86_64-linux-gnu/libnss_wrapper.so" /usr/lib/x86_64-linux-gnu/libnss_wrapper.so
elf_libs "$root" "$stage/usr/lib/x86_64-linux-gnu/libnss_wrapper.so"
rm -rf "$stage"

add_user "$root" postgres 70 70 /var/lib/postgresql /bin/sh
mkdir -p "$root/var/lib/postgresql/data" "$root/var/run/postgresql" "$root/docker-entrypoint-initdb.d"
chown 70:70 "$root/var/lib/postgresql" "$root/var/lib/postgresql/data" "$root/var/run/postgresql"
chmod 1777 "$root/var/lib/postgresql" "$root/var/lib/postgresql/data"
chmod 3777 "$root/var/run/postgresql"

install -m 0755 "$here/files/postgres-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
ln -sfn docker-entrypoint.sh "$root/usr/local/bin/docker-ensure-initdb.sh"
ln -sfn docker-entrypoint.sh "$root/usr/local/bin/docker-enforce-initdb.sh"

rootfs_run "$root" /bin/bash -euo pipefail -c \
  'export PATH=/usr/local/bin:/usr/bin:/bin; postgres --version && psql --version && initdb --version' >&2

path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$bindir"
write_image_conf "$work" "$(
  cat <<JSON
{
  "entrypoint": ["docker-entrypoint.sh"],
  "cmd": ["postgres"],
  "user": "",
  "env": ["PATH=$path", "LANG=en_US.utf8", "PG_MAJOR=$pg_major", "PG_VERSION=$pg_version", "PGDATA=/var/lib/postgresql/data"],
  "workdir": "",
  "exposedPorts": ["5432/tcp"],
  "volumes": ["/var/lib/postgresql/data"],
  "stopSignal": "SIGINT",
  "labels": {}
}
JSON
)"
write_ref "$work" "library/postgres:$pg_version-alpine"
