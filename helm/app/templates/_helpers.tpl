{{/*
Base name of every object: the release name unless fullnameOverride is set.
Kept to 40 characters so that "<base>-postgresql-hl" and friends stay within 63.
*/}}
{{- define "taskboard.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "taskboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "taskboard.labels" -}}
helm.sh/chart: {{ include "taskboard.chart" . }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: taskboard
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of the release; used by the default-deny NetworkPolicy. */}}
{{- define "taskboard.instanceSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one component. Call with (dict "ctx" $ "component" "backend"). */}}
{{- define "taskboard.selectorLabels" -}}
{{ include "taskboard.instanceSelector" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of one component. Call with (dict "ctx" $ "component" "backend"). */}}
{{- define "taskboard.componentLabels" -}}
{{ include "taskboard.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
Image reference: "[registry/]repository@digest" when a digest is set (what the release pins and
signs), else "[registry/]repository:tag". The optional registry lets the third-party images come
through a mirror (an ECR pull-through cache). Call with the image block, e.g. .Values.backend.image.
*/}}
{{- define "taskboard.image" -}}
{{- $repo := .repository -}}
{{- with .registry }}{{ $repo = printf "%s/%s" . $repo }}{{ end -}}
{{- if .digest -}}
{{- printf "%s@%s" $repo .digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (required "image.tag is required when image.digest is empty" .tag) -}}
{{- end -}}
{{- end -}}

{{/*
Pull policy: the value when set, else IfNotPresent for an image pinned by digest (the node's
copy cannot differ from it) and Always for a tag (a tag can move). Call with the image block.
*/}}
{{- define "taskboard.pullPolicy" -}}
{{- .pullPolicy | default (ternary "IfNotPresent" "Always" (ne .digest "")) -}}
{{- end -}}

{{/*
Pod annotation that turns off kube-score's container-image-pull-policy check, and only that one,
for a digest-pinned image pulled IfNotPresent: the check wants Always so that a moved tag is
noticed, which cannot happen to a digest. Call with the image block.
*/}}
{{- define "taskboard.pullPolicyScoreAnnotation" -}}
{{- if and .digest (eq (include "taskboard.pullPolicy" .) "IfNotPresent") -}}
kube-score/ignore: container-image-pull-policy
{{- end -}}
{{- end -}}

{{- define "taskboard.backendName" -}}{{ include "taskboard.fullname" . }}-backend{{- end -}}
{{- define "taskboard.frontendName" -}}{{ include "taskboard.fullname" . }}-frontend{{- end -}}
{{- define "taskboard.postgresqlName" -}}{{ include "taskboard.fullname" . }}-postgresql{{- end -}}
{{- define "taskboard.postgresqlHeadlessName" -}}{{ include "taskboard.fullname" . }}-postgresql-hl{{- end -}}

{{/* Secret holding the database password and URL: the user's existingSecret or ours. */}}
{{- define "taskboard.secretName" -}}
{{- if .Values.postgresql.auth.existingSecret -}}
{{- .Values.postgresql.auth.existingSecret -}}
{{- else -}}
{{- include "taskboard.fullname" . }}-db
{{- end -}}
{{- end -}}

{{/* Fails rendering unless the database password comes from somewhere. */}}
{{- define "taskboard.validateAuth" -}}
{{- if not .Values.postgresql.auth.existingSecret -}}
{{- $_ := required "postgresql.auth.password is required (or set postgresql.auth.existingSecret): no password is ever generated" .Values.postgresql.auth.password -}}
{{- end -}}
{{- end -}}

{{- define "taskboard.backendUrl" -}}
{{- default (printf "http://%s:%d" (include "taskboard.backendName" .) (int .Values.backend.service.port)) .Values.frontend.backendUrl -}}
{{- end -}}

{{/* Pod-level security context shared by every workload. Call with (dict "uid" .. "gid" ..). */}}
{{- define "taskboard.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid }}
fsGroup: {{ .gid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security context shared by every container. */}}
{{- define "taskboard.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid }}
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Scheduling fields of a pod spec. Call with a component's values block. */}}
{{- define "taskboard.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Default affinity of the replicated Deployments: replicas preferably on different nodes (a node
failure takes one replica, not all) and in different zones. An affinity value replaces it whole.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "taskboard.spreadReplicas" -}}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      {{- range $key, $weight := dict "kubernetes.io/hostname" 100 "topology.kubernetes.io/zone" 50 }}
      - weight: {{ $weight }}
        podAffinityTerm:
          topologyKey: {{ $key }}
          labelSelector:
            matchLabels:
              {{- include "taskboard.selectorLabels" $ | nindent 14 }}
      {{- end }}
{{- end -}}

{{- define "taskboard.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
