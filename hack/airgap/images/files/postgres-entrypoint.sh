#!/usr/bin/env bash
# docker-entrypoint.sh of the postgres stand-in, written from the official image's documented
# behaviour (the "Environment Variables", "Initialization scripts" and "Arbitrary --user"
# sections of its docs):
#
#   - `postgres [ARGS]` (the CMD; a first argument that is an option implies postgres):
#     as root, PGDATA (and POSTGRES_INITDB_WALDIR) are created, given to the postgres user and
#     made 0700, /var/run/postgresql made writable for it, and the script runs again as
#     postgres. As any other user, it runs as that user: PGDATA must be writable (an fsGroup
#     volume); a uid without an /etc/passwd entry gets one from nss_wrapper for initdb.
#   - On an empty PGDATA: initdb with POSTGRES_USER (default postgres) as the superuser and
#     POSTGRES_PASSWORD as its password (given to initdb in a pipe, never in argv), plus
#     POSTGRES_INITDB_ARGS and POSTGRES_INITDB_WALDIR; a `host all all all
#     $POSTGRES_HOST_AUTH_METHOD` line (default scram-sha-256) after initdb's local trust
#     lines; listen_addresses='*' comes from the image's postgresql.conf.sample. Then a server
#     on the Unix socket only creates POSTGRES_DB (default: the user's name) and runs
#     /docker-entrypoint-initdb.d/*.sh (executable: run, else sourced), *.sql, *.sql.gz,
#     *.sql.xz (*.sql.zst needs zstd, which this image has not) in name order, and stops.
#   - Every variable may come from a file instead: VAR_FILE=/run/secrets/... .
#   - Then `exec postgres ARGS` (e.g. -c max_connections=200). Any other command runs as is.
#   - Called as docker-ensure-initdb.sh: initialize if needed, start nothing; as
#     docker-enforce-initdb.sh: the same, but an already initialized PGDATA is an error.
set -Eeo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$*"; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# load_var NAME [DEFAULT]: NAME from $NAME or from the file named by $NAME_FILE (not both).
load_var() {
  local name="$1" default="${2:-}" file_name="${1}_FILE"
  local value="${!name:-}" file="${!file_name:-}"
  if [ -n "$value" ] && [ -n "$file" ]; then
    die "$name and $file_name are both set; give one of them"
  fi
  if [ -n "$file" ]; then
    [ -r "$file" ] || die "$file_name: cannot read $file"
    value="$(<"$file")"
  fi
  [ -n "$value" ] || value="$default"
  export "$name=$value"
  unset "$file_name"
}

load_all_vars() {
  load_var POSTGRES_USER postgres
  load_var POSTGRES_PASSWORD
  load_var POSTGRES_DB "$POSTGRES_USER"
  load_var POSTGRES_INITDB_ARGS
  load_var POSTGRES_HOST_AUTH_METHOD
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  : "${PGDATA:=/var/lib/postgresql/data}"
  export PGDATA POSTGRES_HOST_AUTH_METHOD
}

# wants_server ARGS...: false for the postgres invocations that only print something.
wants_server() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      -'?' | --help | --describe-config | -V | --version | -C) return 1 ;;
    esac
  done
  return 0
}

is_initialized() { [ -s "$PGDATA/PG_VERSION" ]; }

# Directories the server needs, made as far as this user may.
prepare_dirs() {
  mkdir -p "$PGDATA" || die "cannot create PGDATA=$PGDATA: give this user a writable volume there"
  chmod 00700 "$PGDATA" 2>/dev/null || :
  mkdir -p /var/run/postgresql 2>/dev/null || :
  chmod 03775 /var/run/postgresql 2>/dev/null || :
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
    mkdir -p "$POSTGRES_INITDB_WALDIR"
    chmod 00700 "$POSTGRES_INITDB_WALDIR" 2>/dev/null || :
  fi
  if [ "$(id -u)" = 0 ]; then
    local dir
    for dir in "$PGDATA" /var/run/postgresql ${POSTGRES_INITDB_WALDIR:+"$POSTGRES_INITDB_WALDIR"}; do
      find "$dir" ! -user postgres -exec chown postgres:postgres {} +
    done
  fi
}

check_env() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<'EOF'
error: the database is uninitialized and no superuser password is given.
       Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value, or
       POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without a password
       (never do that outside a throwaway test).
EOF
    exit 1
  fi
  if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
    log "warning: POSTGRES_HOST_AUTH_METHOD=trust: every host may connect as any user without a password"
  fi
}

# with_passwd_entry COMMAND...: runs COMMAND with a passwd entry for the current uid (initdb
# refuses a user it cannot look up), through nss_wrapper when /etc/passwd has none.
with_passwd_entry() {
  local uid gid wrapper=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so
  uid="$(id -u)"
  gid="$(id -g)"
  if awk -F: -v uid="$uid" '$3 == uid { found = 1 } END { exit !found }' /etc/passwd; then
    "$@"
    return
  fi
  [ -e "$wrapper" ] || die "uid $uid has no /etc/passwd entry and $wrapper is missing"
  local tmp
  tmp="$(mktemp -d)"
  printf 'postgres:x:%s:%s:PostgreSQL:%s:/bin/false\n' "$uid" "$gid" "$PGDATA" >"$tmp/passwd"
  if ! awk -F: -v gid="$gid" '$3 == gid { found = 1 } END { exit !found }' /etc/group; then
    printf 'postgres:x:%s:\n' "$gid" >"$tmp/group"
  else
    cp /etc/group "$tmp/group"
  fi
  local status=0
  LD_PRELOAD="$wrapper" NSS_WRAPPER_PASSWD="$tmp/passwd" NSS_WRAPPER_GROUP="$tmp/group" "$@" || status=$?
  rm -rf "$tmp"
  return $status
}

run_initdb() {
  local args=(--username="$POSTGRES_USER")
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then args+=(--waldir="$POSTGRES_INITDB_WALDIR"); fi
  if [ -n "$POSTGRES_INITDB_ARGS" ]; then
    local extra
    eval "extra=($POSTGRES_INITDB_ARGS)" # word splitting with the shell's quoting rules
    args+=("${extra[@]}")
  fi
  if [ -n "$POSTGRES_PASSWORD" ]; then
    # The password reaches initdb through a pipe (/dev/fd/N), never argv or a file on disk.
    with_passwd_entry initdb "${args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
  else
    with_passwd_entry initdb "${args[@]}"
  fi
  {
    echo
    echo "# Added by the image entrypoint: every other host authenticates with $POSTGRES_HOST_AUTH_METHOD."
    echo "host all all all $POSTGRES_HOST_AUTH_METHOD"
  } >>"$PGDATA/pg_hba.conf"
}

# psql_init ARGS...: psql to the init server, as the superuser, stopping at the first error.
psql_init() {
  psql -X -v ON_ERROR_STOP=1 --no-password --username "$POSTGRES_USER" --dbname "${PSQL_DB:-postgres}" "$@"
}

run_init_scripts() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then
          log "running $f"
          "$f"
        else
          log "sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql) log "running $f" && PSQL_DB="$POSTGRES_DB" psql_init -f "$f" ;;
      *.sql.gz) log "running $f" && gunzip -c "$f" | PSQL_DB="$POSTGRES_DB" psql_init ;;
      *.sql.xz) log "running $f" && xz -dc "$f" | PSQL_DB="$POSTGRES_DB" psql_init ;;
      *.sql.zst) die "$f: zstd is not in this image" ;;
      *) log "ignoring $f" ;;
    esac
  done
}

initialize() {
  check_env
  log "initializing the database cluster in $PGDATA"
  run_initdb
  # A server on the Unix socket only, for the database and the init scripts.
  local port="${PGPORT:-5432}"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p $port" -w start
  psql_init --set db="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
  run_init_scripts
  pg_ctl -D "$PGDATA" -m fast -w stop
  log "PostgreSQL init process complete; ready for start up."
}

main() {
  local mode=run
  case "$(basename "$0")" in
    docker-ensure-initdb.sh) mode=ensure ;;
    docker-enforce-initdb.sh) mode=enforce ;;
  esac
  if [ "$mode" = run ]; then
    case "${1:-}" in -*) set -- postgres "$@" ;; esac
    if [ "${1:-}" != postgres ] || ! wants_server "$@"; then
      exec "$@"
    fi
  fi

  load_all_vars
  if [ "$(id -u)" = 0 ]; then
    prepare_dirs
    # Step down to postgres and start over (HOME, USER and LOGNAME become postgres's). busybox
    # su reads options anywhere in its arguments (postgres's -c too) until the `--`.
    exec su -s /bin/sh -c 'exec "$0" "$@"' -- postgres "$0" "$@"
  fi
  prepare_dirs

  if is_initialized; then
    [ "$mode" = enforce ] && die "PGDATA ($PGDATA) is already initialized"
    [ "$mode" = run ] && log "PostgreSQL database directory appears to contain a database; skipping initialization"
  else
    initialize
  fi
  unset POSTGRES_PASSWORD
  if [ "$mode" = run ]; then
    exec "$@"
  fi
}

main "$@"
