#!/usr/bin/env bash
# Regenerates the kubeconform fixtures with a real kubeconform v0.8.0, offline: the schemas are the
# small local ones in schemas/. Build the binary with
#   GOBIN=~/.cache/taskboard-tools/kubeconform-v0.8.0 go install github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0
set -uo pipefail
cd "$(dirname "$0")"
k="${KUBECONFORM:-$HOME/.cache/taskboard-tools/kubeconform-v0.8.0/kubeconform}"
args=(-strict -summary -output json -verbose -kubernetes-version 1.29.0
  -schema-location 'schemas/{{.ResourceKind}}-{{.ResourceAPIVersion}}.json' -skip Application)
"$k" "${args[@]}" valid.yaml >../valid-with-skip.json            # exits 0
"$k" "${args[@]}" invalid.yaml valid.yaml >../invalid-and-missing-schema.json # exits 1
