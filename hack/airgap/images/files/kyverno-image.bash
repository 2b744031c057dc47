# Sourced by the recipes of Kyverno's images (images/kyverno*.sh), after ../lib.sh.
# kyverno_image WORKDIR CMD REF: one of Kyverno's ko-built images (reg.kyverno.io/kyverno/<x>,
# ghcr.io/kyverno/readiness-checker): the program of cmd/CMD, built by
# scripts/tool-kyverno-controllers.sh, at /ko-app/CMD as ko lays it out (entrypoint, /ko-app on PATH,
# KO_DATA_PATH, SSL_CERT_FILE, user 65532), on a hand-made static base instead of Kyverno's
# ghcr.io/wolfi-dev/static:alpine (.ko.yaml): passwd and group with root, nobody and nonroot
# (65532), /tmp, Debian's CA bundle, no tzdata; no shell, as upstream.
kyverno_image() {
  local work="$1" cmd="$2" ref="$3" rootfs="$1/rootfs" dir out
  dir="$(bash "$AIRGAP_DIR/../../scripts/tool-kyverno-controllers.sh")"
  if ldd "$dir/$cmd" >/dev/null 2>&1; then
    echo "$dir/$cmd is dynamically linked; the image needs a static (CGO_ENABLED=0) build" >&2
    return 1
  fi
  base_rootfs "$rootfs"
  add_user "$rootfs" nonroot 65532 65532 /home/nonroot
  install -D -m 0755 "$dir/$cmd" "$rootfs/ko-app/$cmd"
  mkdir -p "$rootfs/var/run/ko"
  # every one of them answers --help from the rootfs as the image's user (and says so on stderr)
  out="$(chroot --userspec=65532:65532 "$rootfs" "/ko-app/$cmd" --help 2>&1 || true)"
  airgap_log "$(head -3 <<<"$out")"
  grep -q -- "-" <<<"$out"
  cat >"$work/image.conf" <<JSON
{
  "entrypoint": ["/ko-app/$cmd"],
  "user": "65532",
  "env": [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/ko-app",
    "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
    "KO_DATA_PATH=/var/run/ko"
  ],
  "labels": {"org.opencontainers.image.description": "air-gap stand-in for $ref (cmd/$cmd of github.com/kyverno/kyverno v1.19.1), built by hack/airgap"}
}
JSON
  write_ref "$work" "$ref"
}
