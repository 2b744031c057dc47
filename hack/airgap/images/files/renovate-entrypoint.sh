#!/bin/bash
# renovate-entrypoint.sh of the renovate stand-in, with upstream's behaviour
# (tools/docker/bin/renovate-entrypoint.sh): a first argument that is an option (`--dry-run=...`)
# or not a command (a repository, `owner/repo`) is an argument of renovate. Upstream then execs
# containerbase's docker-entrypoint.sh, which runs the command under dumb-init; this image has
# no containerbase (its tools are installed already) and no dumb-init (an engine such as Dagger
# runs its own init), so the command is exec'd directly.
set -e

if [[ "${1:0:1}" = '-' ]]; then
  set -- renovate "$@"
fi
if [[ $# -eq 0 || ! -x "$(command -v "${1}")" ]]; then
  set -- renovate "$@"
fi
exec "$@"
