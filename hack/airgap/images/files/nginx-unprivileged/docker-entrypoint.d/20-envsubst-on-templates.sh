#!/bin/sh
# Renders the configuration templates: every file named *$NGINX_ENVSUBST_TEMPLATE_SUFFIX
# (default .template) under $NGINX_ENVSUBST_TEMPLATE_DIR (default /etc/nginx/templates) is
# written, without the suffix and at the same relative path, under $NGINX_ENVSUBST_OUTPUT_DIR
# (default /etc/nginx/conf.d), with envsubst replacing ${NAME} and $NAME only for the
# environment variables whose names match the extended regular expression
# $NGINX_ENVSUBST_FILTER (default: every variable). Anything else that looks like a variable,
# such as nginx's own $host, is left as it is.
set -e

log() { [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$0: $*"; }

template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
template_dir="${template_dir%/}"
suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"

[ -d "$template_dir" ] || exit 0
if [ ! -w "$output_dir" ]; then
  log "error: $output_dir is not writable, templates of $template_dir not rendered"
  exit 0
fi

# The variables envsubst may replace, as its SHELL-FORMAT argument: "${A} ${B} ...".
names="$(awk 'BEGIN {
    filter = ENVIRON["NGINX_ENVSUBST_FILTER"]
    for (name in ENVIRON) if (filter == "" || name ~ filter) printf "${%s} ", name
  }')"

find "$template_dir" -follow -type f -name "*$suffix" | sort | while read -r template; do
  relative="${template#"$template_dir"/}"
  output="$output_dir/${relative%"$suffix"}"
  mkdir -p "$(dirname "$output")"
  log "info: rendering $template to $output"
  envsubst "$names" <"$template" >"$output"
done
