#!/usr/bin/env bash
# Regenerates the *-real.json fixtures with a real Trivy v0.74.0, offline: config and secret
# scans need no vulnerability DB (the checks embedded in the binary are used). Trivy comes from
# scripts/tool-trivy.sh (the committed fixtures predate its version ldflag: they say "dev").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
trivy="${TRIVY:-$(bash "$here/../../../../scripts/tool-trivy.sh")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$here/backend" "$here/k8s" "$work/"
mkdir -p "$work/deploy"
# Fake credentials, assembled here so that no scanner flags this script: they exist only in the
# temporary copy, and Trivy masks them in its report.
printf 'POSTGRES_HOST=db\nAWS_ACCESS_KEY_ID=%s\nGITHUB_TOKEN=%s\n' \
  "AKIA""2E0A8F3B244C9986" "ghp_""Zq7vR2mXk9LpT4sW8yN1bC6dF3gH5jK0aE2u" >"$work/deploy/dev.env"
export TRIVY_CACHE_DIR="$work/cache"
cd "$work"
"$trivy" config --skip-check-update --format json --output "$here/../config-real.json" .
"$trivy" fs --scanners secret,misconfig --skip-check-update --format json --output "$here/../fs-secret-misconfig-real.json" .
"$trivy" fs --scanners secret --format json --output "$here/../empty-real.json" backend
