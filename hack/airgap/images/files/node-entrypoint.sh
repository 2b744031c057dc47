#!/bin/sh
# docker-entrypoint.sh of the node stand-in, as the official image documents it: the arguments
# are a command to run, unless the first one is an option (`-e '...'`, `--version`) or names a
# file that is not an executable command (`app.js`): then they are arguments to node.
set -e

run_with_node=no
case "${1:-}" in
  -*) run_with_node=yes ;;
  "") ;;
  *)
    if ! command -v "$1" >/dev/null 2>&1; then
      run_with_node=yes
    elif [ -f "$1" ] && [ ! -x "$1" ]; then
      run_with_node=yes
    fi
    ;;
esac
if [ "$run_with_node" = yes ]; then
  set -- node "$@"
fi
exec "$@"
