#!/usr/bin/env bash
# Regenerates the fixtures with a real Kyverno CLI v1.19.1 (helm/scripts/tool-kyverno.sh on the
# helm branch builds it into ~/.cache/taskboard-tools/kyverno-v1.19.1/). Offline: no cluster.
set -uo pipefail
cd "$(dirname "$0")"
k="${KYVERNO:-$HOME/.cache/taskboard-tools/kyverno-v1.19.1/kyverno}"
"$k" apply policy.yaml --resource pass.yaml --remove-color >../apply-pass.txt 2>&1                         # exits 0
"$k" apply policy.yaml --resource pass.yaml --resource fail.yaml --remove-color >../apply-fail.txt 2>&1     # exits 1
"$k" apply validatingpolicy.yaml --resource pass.yaml --resource fail.yaml --remove-color \
  >../apply-validatingpolicy-fail.txt 2>&1                                                                  # exits 1
