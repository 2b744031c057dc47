#!/bin/bash
# make test-cluster: the scenarios of hack/cluster/scenario against the cluster KUBECONFIG names,
# or, when KUBECONFIG is unset, against the one-node cluster of cluster.sh, started here (built
# first if needed) and stopped at the end (TASKBOARD_CLUSTER_KEEP=1 leaves it running).
#   RUN=regexp     go test -run filter
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export PATH=/usr/local/go/bin:$PATH
t0=$SECONDS
summary=()

command -v go >/dev/null || { echo "test-cluster needs the go command (Go 1.26) on PATH" >&2; exit 1; }

if [ -z "${KUBECONFIG:-}" ]; then
  for c in unshare nsenter ip curl python3; do
    command -v "$c" >/dev/null || { echo "test-cluster needs $c to start its own cluster (Debian: util-linux, iproute2, curl, python3)" >&2; exit 1; }
  done
  [ "$(id -u)" = 0 ] || { echo "test-cluster starts its own cluster as root (namespaces, mounts, cgroups); or set KUBECONFIG to your cluster" >&2; exit 1; }
  [ "${TASKBOARD_CLUSTER_KEEP:-}" = 1 ] || trap '"$HERE/cluster.sh" stop' EXIT
  "$HERE/cluster.sh" start
  summary+=("cluster: $(cat "${TASKBOARD_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-cluster}/last-start")")
  eval "$("$HERE/cluster.sh" env)"
  # PostgreSQL: hack/airgap's stand-in for postgres:15.18-alpine, preloaded under the reference the
  # production values render (the ECR pull-through cache), pinned by digest so the kubelet uses it.
  bash "$ROOT/hack/airgap/build.sh" postgres >&2
  pg=${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap/images/postgres
  field() { awk -v k="$2:" '/^postgresql:/ {p = 1; next} /^[a-z]/ {p = 0} p && $1 == k {gsub(/"/, "", $2); print $2; exit}' "$1"; }
  reg=$(field "$ROOT/helm/app/values-production.yaml" registry)
  repo=$(field "$ROOT/helm/app/values.yaml" repository)
  tag=$(field "$ROOT/helm/app/values.yaml" tag)
  [ -n "$reg" ] && [ -n "$repo" ] && [ -n "$tag" ] || { echo "could not read postgresql.image from helm/app/values*.yaml" >&2; exit 1; }
  "$HERE/cluster.sh" load "$pg/oci" "$reg/$repo:$tag"
  export TASKBOARD_CLUSTER_POSTGRES_DIGEST
  TASKBOARD_CLUSTER_POSTGRES_DIGEST=$(cat "$pg/digest")
  summary+=("postgresql image: $reg/$repo:$tag@$TASKBOARD_CLUSTER_POSTGRES_DIGEST (hack/airgap stand-in)")
  # Argo CD v3.6.2 (built from its module zip) and its Redis, under the references its
  # manifests/install.yaml names (the scenario makes their pull policy IfNotPresent).
  ta=$SECONDS
  bash "$ROOT/hack/airgap/build.sh" argocd redis >&2
  img=${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap/images
  "$HERE/cluster.sh" load "$img/argocd/oci" quay.io/argoproj/argocd:v3.6.2
  "$HERE/cluster.sh" load "$img/redis/oci" public.ecr.aws/docker/library/redis:8.10.1-alpine
  summary+=("argocd images: quay.io/argoproj/argocd:v3.6.2@$(cat "$img/argocd/digest"), redis stand-in @$(cat "$img/redis/digest") (hack/airgap; built and loaded in $((SECONDS - ta)) s)")
else
  summary+=("cluster: KUBECONFIG=$KUBECONFIG")
fi

ts=$SECONDS
set +e
(cd "$HERE" && nice -n 19 go vet ./... && nice -n 19 go test -count=1 -timeout 40m -v ${RUN:+-run "$RUN"} ./scenario/) 2>&1 | tee "${TMPDIR:-/tmp}/test-cluster.log"
rc=${PIPESTATUS[0]}
set -e
summary+=("scenarios: $((SECONDS - ts)) s; make test-cluster: $((SECONDS - t0)) s in all")
printf 'test-cluster: %s\n' "${summary[@]}"
passed=$(grep -cE '^ *--- PASS' "${TMPDIR:-/tmp}/test-cluster.log" || true)
failed=$(grep -cE '^ *--- FAIL' "${TMPDIR:-/tmp}/test-cluster.log" || true)
echo "test-cluster: $passed passed, $failed failed"
exit "$rc"
