#!/bin/bash
# images.sh NAME...: images of our own that the scenarios load into the one-node cluster, built
# here without Docker or the Dagger engine, as OCI layouts (hack/airgap's mkimage):
#   backend    what backend/Dockerfile builds: the same static `go build` of ./backend/cmd/server
#              (CGO_ENABLED=0 GOOS=linux -trimpath, -s -w, the buildinfo ldflags) on hack/airgap's
#              distroless/static-debian12:nonroot stand-in: /server, USER 65532:65532, ENV PORT=5000,
#              EXPOSE 5000, ENTRYPOINT ["/server"], the Dockerfile's labels. Version
#              cluster-<key>; commit and build time "unknown" (the Dockerfile's defaults). No
#              HEALTHCHECK (Docker's, not in OCI's config; the chart probes /healthz and /readyz).
#   frontend   what frontend/Dockerfile builds: the Vite build (`npm ci`, `npm run build` with
#              VITE_APP_VERSION, in a copy of frontend/ with scripts/tool-node.sh's Node, the
#              Dockerfile's node:24.22.3 and its bundled npm) on hack/airgap's nginx-unprivileged
#              stand-in, with nginx/nginx.conf, nginx/default.conf (over the base's
#              conf.d/default.conf), nginx/templates/ and dist/ as the Dockerfile copies them,
#              USER 101, the Dockerfile's ENV, EXPOSE 8080 and labels.
#   versitygw  the S3 server of the backup drill: scripts/tool-versitygw.sh's static binary at
#              /usr/local/bin/versitygw on the same base, USER 65532:65532, EXPOSE 7070.
# Each lands in ${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-cluster-images/<name>/ (oci/, digest,
# ref, key) and is rebuilt only when its key changes: for backend, every file under backend/ but
# tests, testdata and Markdown, with go.mod and go.sum; for frontend, frontend/ (but node_modules,
# dist, tests and Markdown), the stand-in's files and scripts/tool-node.sh; for all, the base
# recipe, hack/airgap's lib*.sh, mkimage's source and this script. Prints one line per image: NAME built|cached DIGEST DIR.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
AIRGAP=$ROOT/hack/airgap
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-cluster-images
export PATH=/usr/local/go/bin:$PATH
mkdir -p "$CACHE"

# Files whose content keys an image (paths relative to the repository root).
common_files() {
  echo hack/cluster/images.sh
  echo hack/airgap/images/distroless-static.sh
  (cd "$ROOT" && ls hack/airgap/lib*.sh && ls hack/airgap/mkimage/*.go | grep -v _test.go)
}
key_files() {
  common_files
  case "$1" in
    backend) (cd "$ROOT" && echo go.mod && echo go.sum && find backend -type f ! -name '*_test.go' ! -name '*.md' ! -path '*/testdata/*') ;;
    versitygw) echo scripts/tool-versitygw.sh ;;
    frontend) echo hack/airgap/images/nginx-unprivileged.sh; echo scripts/tool-node.sh
      (cd "$ROOT" && find hack/airgap/images/files/nginx-unprivileged frontend -path frontend/node_modules -prune -o \
        -path frontend/dist -prune -o -path frontend/test-results -prune -o -type f ! -name '*.test.ts' ! -name '*.test.tsx' ! -name '*.md' -print) ;;
  esac
}
image_key() { (cd "$ROOT" && key_files "$1" | LC_ALL=C sort -u | xargs sha256sum | sha256sum | cut -c1-16); }

mkimage_bin() {
  local h; h=$( (cd "$ROOT" && ls hack/airgap/mkimage/*.go | grep -v _test.go | xargs cat go.sum) | sha256sum | cut -c1-16)
  local bin=$CACHE/bin/mkimage-$h
  if [ ! -x "$bin" ]; then
    mkdir -p "$CACHE/bin"
    (cd "$ROOT" && CGO_ENABLED=0 nice -n 19 go build -trimpath -o "$bin.tmp" ./hack/airgap/mkimage) >&2
    mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

# base WORK NAME: the base stand-in's rootfs in WORK/rootfs and its image.conf in WORK/base.conf (its
# recipe, run as hack/airgap runs it): nginx-unprivileged for the frontend, distroless otherwise.
base() {
  local recipe=distroless-static; [ "$2" = frontend ] && recipe=nginx-unprivileged
  bash "$AIRGAP/images/$recipe.sh" "$1" </dev/null >"$1/base.log" 2>&1 || { tail -20 "$1/base.log" >&2; return 1; }
  if [ -f "$1/image.conf" ]; then mv "$1/image.conf" "$1/base.conf"; fi
}

recipe_backend() {
  local work=$1 key=$2 pkg=github.com/devsecops-reference/taskboard/backend/internal/buildinfo
  mkdir -p "$work/rootfs2"
  (cd "$ROOT" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 nice -n 19 go build -trimpath \
    -ldflags "-s -w -X $pkg.Version=cluster-$key -X $pkg.Commit=unknown -X $pkg.BuildTime=unknown" \
    -o "$work/rootfs2/server" ./backend/cmd/server)
  chmod 0755 "$work/rootfs2/server"
  cat >"$work/image.conf" <<EOF
{
  "entrypoint": ["/server"],
  "cmd": [],
  "user": "65532:65532",
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", "PORT=5000"],
  "workdir": "/home/nonroot",
  "exposedPorts": ["5000/tcp"],
  "labels": {
    "org.opencontainers.image.title": "taskboard-backend",
    "org.opencontainers.image.description": "Taskboard REST API (Go, PostgreSQL)",
    "org.opencontainers.image.source": "https://github.com/devsecops-reference/taskboard",
    "org.opencontainers.image.version": "cluster-$key",
    "org.opencontainers.image.revision": "unknown",
    "org.opencontainers.image.created": "unknown"
  }
}
EOF
  echo "taskboard-backend:cluster-$key" >"$work/ref"
}

recipe_frontend() {
  local work=$1 key=$2 src=$1/src node_bin
  mkdir -p "$src" "$work/rootfs2/etc/nginx" "$work/rootfs2/usr/share/nginx"
  (cd "$ROOT/frontend" && tar --exclude=./node_modules --exclude=./dist --exclude=./test-results -cf - .) | tar -C "$src" -xf -
  node_bin=$(bash "$ROOT/scripts/tool-node.sh")
  (cd "$src" && export PATH="$node_bin:$PATH" && npm ci --no-audit --no-fund --loglevel=error && VITE_APP_VERSION="cluster-$key" npm run build) >"$work/npm.log" 2>&1 ||
    { tail -30 "$work/npm.log" >&2; return 1; }
  # The Dockerfile's /runtime files, as its runtime stage (no RUN) COPYs them over the base: a
  # layer of their own, root-owned, files 0644 and directories 0755; nginx/default.conf, which
  # has no server, overwrites the base's conf.d/default.conf. The parent directories the base
  # already has keep the base's owner and mode (a COPY does not change them).
  mkdir -p "$work/rootfs2/etc/nginx/conf.d"
  install -m 0644 "$src/nginx/nginx.conf" "$work/rootfs2/etc/nginx/nginx.conf"
  install -m 0644 "$src/nginx/default.conf" "$work/rootfs2/etc/nginx/conf.d/default.conf"
  cp -r "$src/nginx/templates" "$work/rootfs2/etc/nginx/templates"
  cp -r "$src/dist" "$work/rootfs2/usr/share/nginx/html"
  chmod -R u=rwX,go=rX "$work/rootfs2"
  chown -R 0:0 "$work/rootfs2"
  local d
  for d in etc etc/nginx etc/nginx/conf.d usr usr/share usr/share/nginx; do
    chown --reference="$work/rootfs/$d" "$work/rootfs2/$d"
    chmod --reference="$work/rootfs/$d" "$work/rootfs2/$d"
  done
  python3 - "$work/base.conf" "$key" >"$work/image.conf" <<'PY'
import json, sys
conf = json.load(open(sys.argv[1]))
conf["user"] = "101"
conf["env"] = [e for e in conf.get("env", []) if not e.startswith(("BACKEND_URL=", "NGINX_ENVSUBST_"))] + [
    "BACKEND_URL=http://backend:5000", "NGINX_ENVSUBST_OUTPUT_DIR=/tmp", "NGINX_ENVSUBST_FILTER=^BACKEND_URL$"]
conf["exposedPorts"] = ["8080/tcp"]
conf.setdefault("labels", {}).update({
    "org.opencontainers.image.title": "taskboard-frontend",
    "org.opencontainers.image.description": "Taskboard web UI: React build served by unprivileged nginx, proxying /api to the backend",
    "org.opencontainers.image.source": "https://github.com/devsecops-reference/taskboard",
    "org.opencontainers.image.licenses": "MIT",
    "org.opencontainers.image.version": "cluster-" + sys.argv[2],
    "org.opencontainers.image.revision": "unknown",
    "org.opencontainers.image.created": "unknown",
})
print(json.dumps(conf, indent=2))
PY
  rm -rf "$src"
  echo "taskboard-frontend:cluster-$key" >"$work/ref"
}

recipe_versitygw() {
  local work=$1 bin
  bin=$(bash "$ROOT/scripts/tool-versitygw.sh")
  mkdir -p "$work/rootfs2/usr/local/bin"
  cp "$bin" "$work/rootfs2/usr/local/bin/versitygw"
  chmod 0755 "$work/rootfs2/usr/local/bin/versitygw"
  cat >"$work/image.conf" <<'EOF'
{
  "entrypoint": ["/usr/local/bin/versitygw"],
  "cmd": [],
  "user": "65532:65532",
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
  "workdir": "/home/nonroot",
  "exposedPorts": ["7070/tcp"],
  "labels": {"org.opencontainers.image.title": "versitygw v1.8.0 (taskboard test-cluster)"}
}
EOF
  echo "versitygw:v1.8.0" >"$work/ref"
}

build() {
  local name=$1 out=$CACHE/$1 key work t0=$SECONDS
  key=$(image_key "$name")
  if [ -f "$out/oci/index.json" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
    echo "$name cached $(cat "$out/digest") $out"; return 0
  fi
  work=$CACHE/work/$name
  rm -rf "$work" && mkdir -p "$work"
  base "$work" "$name"
  "recipe_$name" "$work" "$key"
  local mk; mk=$(mkimage_bin)
  rm -rf "$out.new" && mkdir -p "$out.new"
  SOURCE_DATE_EPOCH=0 "$mk" build -out "$out.new/oci" -conf "$work/image.conf" -ref "$(cat "$work/ref")" "$work/rootfs" "$work/rootfs2" >"$out.new/digest"
  cp "$work/ref" "$out.new/ref"; echo "$key" >"$out.new/key"
  rm -rf "$out" && mv "$out.new" "$out" && rm -rf "$work"
  echo "$name built $(cat "$out/digest") $out ($((SECONDS - t0)) s)"
}

[ $# -gt 0 ] || { echo "usage: $0 backend|frontend|versitygw..." >&2; exit 2; }
exec 9>"$CACHE/.lock"
flock 9
for n in "$@"; do
  case "$n" in backend | frontend | versitygw) build "$n" ;; *) echo "unknown image $n" >&2; exit 2 ;; esac
done
