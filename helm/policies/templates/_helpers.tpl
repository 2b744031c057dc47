{{- define "policies.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: taskboard
{{- end -}}

{{/* Kyverno 1.19's validationActions for the chart's failureAction. */}}
{{- define "policies.validationActions" -}}
{{- if eq .Values.failureAction "Enforce" -}}
[Deny]
{{- else -}}
[Audit]
{{- end -}}
{{- end -}}

{{/* Annotations in the style of kyverno/policies. Call with (dict "title" .. "description" ..). */}}
{{- define "policies.annotations" -}}
policies.kyverno.io/title: {{ .title | quote }}
policies.kyverno.io/category: {{ .category | quote }}
policies.kyverno.io/severity: {{ .severity | quote }}
policies.kyverno.io/subject: Pod
kyverno.io/kyverno-version: "1.19.1"
policies.kyverno.io/description: >-
  {{ .description }}
{{- end -}}

{{/*
Which requests the policies look at: pods (Kyverno generates the Deployment, StatefulSet,
DaemonSet, Job and CronJob variants itself), outside the excluded namespaces.
*/}}
{{- define "policies.matchPods" -}}
resourceRules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    operations: ["CREATE", "UPDATE"]
    resources: ["pods"]
{{- with .Values.excludeNamespaces }}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
        {{- toYaml . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* CEL: the pod's containers and init containers (one list, one type). */}}
{{- define "policies.containersVariable" -}}
- name: containers
  expression: >-
    object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : [])
{{- end -}}

{{/* CEL: the attestors of every trusted key, one per verifyImageSignatures.publicKeys entry. */}}
{{- define "policies.trustedKeys" -}}
[{{ range $i, $_ := .Values.verifyImageSignatures.publicKeys }}{{ if $i }}, {{ end }}attestors.key{{ $i }}{{ end }}]
{{- end -}}
