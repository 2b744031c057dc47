#!/bin/bash
# make test-cluster: the scenarios of hack/cluster/scenario against the cluster KUBECONFIG names,
# or, when KUBECONFIG is unset, against the one-node cluster of cluster.sh, started here (built
# first if needed) and stopped at the end (TASKBOARD_CLUSTER_KEEP=1 leaves it running).
#   RUN=regexp     go test -run filter
#   TASKBOARD_CLUSTER_DAGGER_RELEASE=1 (make test-cluster-release): the GitOps scenario's values
#                  commit comes from a real dagger call release on the engine the dagger CLI reaches
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export PATH=/usr/local/go/bin:$PATH
t0=$SECONDS
summary=()

command -v go >/dev/null || { echo "test-cluster needs the go command (Go 1.26) on PATH" >&2; exit 1; }
timeout=40m
if [ "${TASKBOARD_CLUSTER_DAGGER_RELEASE:-}" = 1 ]; then
  [ -z "${KUBECONFIG:-}" ] || { echo "test-cluster-release bridges the Dagger engine's namespace to its own cluster's: unset KUBECONFIG" >&2; exit 1; }
  command -v dagger >/dev/null && [ -n "${_EXPERIMENTAL_DAGGER_RUNNER_HOST:-}" ] || {
    echo "test-cluster-release needs a running Dagger engine: start the rig and eval \"\$(../shared/dagger-rig/rig.sh env)\" (README, make test-engine)" >&2; exit 1; }
  timeout=100m
  summary+=("values commit: dagger call release --git-push on $_EXPERIMENTAL_DAGGER_RUNNER_HOST")
fi

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
  # Kyverno v1.19.1's images, built from its module by hack/airgap's recipes and loaded under the
  # references its chart 3.9.1 renders (the kyverno-cli image runs in the post-upgrade hook,
  # readiness-checker in the pre-delete hook and, as :latest, in the chart's helm test pods).
  bash "$ROOT/hack/airgap/build.sh" kyverno kyvernopre kyverno-background-controller kyverno-cleanup-controller \
    kyverno-reports-controller kyverno-readiness-checker kyverno-cli >&2
  ai=${XDG_CACHE_HOME:-$HOME/.cache}/taskboard-airgap/images
  tl=$SECONDS
  for pair in kyverno:reg.kyverno.io/kyverno/kyverno:v1.19.1 kyvernopre:reg.kyverno.io/kyverno/kyvernopre:v1.19.1 \
    kyverno-background-controller:reg.kyverno.io/kyverno/background-controller:v1.19.1 \
    kyverno-cleanup-controller:reg.kyverno.io/kyverno/cleanup-controller:v1.19.1 \
    kyverno-reports-controller:reg.kyverno.io/kyverno/reports-controller:v1.19.1 \
    kyverno-cli:reg.kyverno.io/kyverno/kyverno-cli:v1.19.1 \
    kyverno-readiness-checker:ghcr.io/kyverno/readiness-checker:v1.19.1 kyverno-readiness-checker:ghcr.io/kyverno/readiness-checker:latest; do
    "$HERE/cluster.sh" load "$ai/${pair%%:*}/oci" "${pair#*:}"
  done
  summary+=("kyverno images: built from github.com/kyverno/kyverno@v1.19.1 (hack/airgap), loaded in $((SECONDS - tl)) s")
  # The backend image built from this checkout's backend/ (as backend/Dockerfile builds it) and the
  # backup drill's S3 server (images.sh, cached on their sources), pinned by digest. Loaded under a
  # test-only registry name, never the release's repository: an unsigned image built here must not
  # pass for a release (the signature policy covers that repository, and rightly refuses it).
  ti=$SECONDS
  imgs=$("$HERE/images.sh" backend versitygw)
  echo "$imgs" >&2
  img_dir() { awk -v n="$1" '$1 == n {print $4}' <<<"$imgs"; }
  be=$(img_dir backend) vg=$(img_dir versitygw)
  "$HERE/cluster.sh" load "$be/oci" "taskboard.test/$(cat "$be/ref")"
  "$HERE/cluster.sh" load "$vg/oci" "taskboard.test/$(cat "$vg/ref")"
  export TASKBOARD_CLUSTER_BACKEND_IMAGE="taskboard.test/$(cat "$be/ref")@$(cat "$be/digest")"
  export TASKBOARD_CLUSTER_VERSITYGW_IMAGE="taskboard.test/$(cat "$vg/ref")@$(cat "$vg/digest")"
  summary+=("backend image: $TASKBOARD_CLUSTER_BACKEND_IMAGE (hack/cluster/images.sh, built from backend/; build and load $((SECONDS - ti)) s)")
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
# the Helm v3 CLI that installs Kyverno's chart, and the cosign CLI that signs the test images
# (built once, cached), before the scenarios' own timeout starts
bash "$ROOT/scripts/tool-helm.sh" >/dev/null
bash "$ROOT/scripts/tool-cosign.sh" >/dev/null

ts=$SECONDS
# A log of this run's own: two clusters side by side (each with its cache folder and port) must not
# count each other's results.
log=$(mktemp "${TMPDIR:-/tmp}/test-cluster.XXXXXX")
set +e
(cd "$HERE" && nice -n 19 go vet ./... && nice -n 19 go test -count=1 -timeout "$timeout" -v ${RUN:+-run "$RUN"} ./scenario/) 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
summary+=("scenarios: $((SECONDS - ts)) s; make test-cluster: $((SECONDS - t0)) s in all; log $log")
ky=$(grep -o 'kyverno ready: [0-9]* s' "$log" | tail -1 || true)
[ -n "$ky" ] && summary+=("$ky (helm install to its webhooks registered)")
rel=$(grep -o 'release applied to every pod Ready: [0-9]* s' "$log" | tail -1 || true)
[ -n "$rel" ] && summary+=("$rel (under Kyverno, images pulled from the node's registry)")
boot=$(grep -oE 'bootstrap to every pod Ready: [0-9hms.]+' "$log" | tail -1 || true)
[ -n "$boot" ] && summary+=("Argo CD: $boot (argocd-application.yaml applied as docs/SETUP.md says)")
commit=$(grep -oE 'to every pod Ready: [0-9hms.]+ after the push' "$log" | tail -1 || true)
[ -n "$commit" ] && summary+=("Argo CD: values commit $commit")
dr=$(grep -oE 'hack/enginetest -cluster \([0-9hms.]+\)' "$log" | tail -1 || true)
dr=${dr#*(} && dr=${dr%)}
[ -n "$dr" ] && summary+=("dagger call release into the cluster: $dr (module load and both images' builds included)")
drc=$(grep -oE 'to every pod Ready: [0-9hms.]+ after the refresh' "$log" | tail -1 || true)
[ -n "$drc" ] && summary+=("Argo CD: the release's values commit $drc")
printf 'test-cluster: %s\n' "${summary[@]}"
passed=$(grep -cE '^ *--- PASS' "$log" || true)
failed=$(grep -cE '^ *--- FAIL' "$log" || true)
echo "test-cluster: $passed passed, $failed failed"
exit "$rc"
