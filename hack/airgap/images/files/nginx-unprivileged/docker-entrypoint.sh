#!/bin/sh
# /docker-entrypoint.sh of the nginx-unprivileged stand-in, written from the official image's
# documented behaviour: when the command is nginx (or nginx-debug), the files in
# /docker-entrypoint.d/ run first, in name order: executable *.envsh files are sourced (they may
# export variables for the rest), executable *.sh files are run, anything else is skipped with a
# note. NGINX_ENTRYPOINT_QUIET_LOGS (any value) silences these notes. Then the command is
# exec'd (CMD: nginx -g 'daemon off;'). Any other command runs as is.
set -e

entrypoint_log() {
  if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
    echo "$@"
  fi
}

if [ "${1:-}" = nginx ] || [ "${1:-}" = nginx-debug ]; then
  scripts="$(find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -follow -type f 2>/dev/null | sort -V)"
  if [ -n "$scripts" ]; then
    entrypoint_log "$0: running the scripts of /docker-entrypoint.d/"
    # The names are ours (no spaces): split on newlines only all the same.
    old_ifs="$IFS"
    IFS='
'
    for script in $scripts; do
      IFS="$old_ifs"
      case "$script" in
        *.envsh)
          if [ -x "$script" ]; then
            entrypoint_log "$0: sourcing $script"
            # shellcheck disable=SC1090
            . "$script"
          else
            entrypoint_log "$0: ignoring $script, not executable"
          fi
          ;;
        *.sh)
          if [ -x "$script" ]; then
            entrypoint_log "$0: running $script"
            "$script"
          else
            entrypoint_log "$0: ignoring $script, not executable"
          fi
          ;;
        *) entrypoint_log "$0: ignoring $script" ;;
      esac
    done
    IFS="$old_ifs"
    entrypoint_log "$0: configuration complete; ready for start up"
  else
    entrypoint_log "$0: /docker-entrypoint.d/ is empty, skipping configuration"
  fi
fi

exec "$@"
