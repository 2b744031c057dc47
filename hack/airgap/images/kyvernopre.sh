#!/usr/bin/env bash
# Stand-in for reg.kyverno.io/kyverno/kyvernopre:v1.19.1, Kyverno's init container (ko-built from cmd/kyverno-init on ghcr.io/wolfi-dev/static:alpine:
# the program at /ko-app/kyverno-init, entrypoint ["/ko-app/kyverno-init"], user 65532, /ko-app on PATH,
# SSL_CERT_FILE and KO_DATA_PATH set, no shell).
# Differs from upstream: the program is the static build of scripts/tool-kyverno-controllers.sh
# (tools/kyverno/go.mod with Kyverno's own replaces; -s -w, BuildVersion=v1.19.1, no build hash
# or time); the base is hand-made, not Wolfi's (images/files/kyverno-image.bash: passwd and group with
# root, nobody and nonroot, /tmp, Debian's CA bundle, no tzdata).
# airgap-set: cluster
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=files/kyverno-image.bash
source "$(dirname "$0")/files/kyverno-image.bash"

kyverno_image "$1" kyverno-init kyverno/kyvernopre:v1.19.1
