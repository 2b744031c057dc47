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

{{/*
Fails rendering unless the database credentials come from somewhere: the StatefulSet's password
(or existingSecret), or, with postgresql.enabled false, the external database's host and Secret.
*/}}
{{- define "taskboard.validateAuth" -}}
{{- if .Values.postgresql.enabled -}}
{{- if not .Values.postgresql.auth.existingSecret -}}
{{- $_ := required "postgresql.auth.password is required (or set postgresql.auth.existingSecret): no password is ever generated" .Values.postgresql.auth.password -}}
{{- end -}}
{{- else -}}
{{- $db := .Values.externalDatabase -}}
{{- $_ := required "externalDatabase.host is required when postgresql.enabled is false" $db.host -}}
{{- $_ := required "externalDatabase.existingSecret is required when postgresql.enabled is false (a Secret with the password)" $db.existingSecret -}}
{{- if has $db.sslmode (list "verify-ca" "verify-full") -}}
{{- $_ := required (printf "externalDatabase.caBundle.configMap is required with sslmode %s (for RDS: a ConfigMap of global-bundle.pem)" $db.sslmode) $db.caBundle.configMap -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Where the external database's CA bundle is mounted (POSTGRES_SSLROOTCERT). */}}
{{- define "taskboard.dbCADir" -}}/etc/taskboard/db-ca{{- end -}}

{{/*
The database settings of every container of ours that connects (backend, backup, restore): the
chart's Secret's DATABASE_URL with the StatefulSet, else POSTGRES_* for the external database,
its password from the user's Secret and TLS verified against the mounted CA bundle.
*/}}
{{- define "taskboard.databaseEnv" -}}
{{- if .Values.postgresql.enabled -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "taskboard.secretName" . }}
      key: database-url
- name: POSTGRES_HOST
  value: {{ include "taskboard.postgresqlName" . }}
- name: POSTGRES_PORT
  value: {{ .Values.postgresql.service.port | quote }}
- name: POSTGRES_USER
  value: {{ .Values.postgresql.auth.username | quote }}
- name: POSTGRES_DB
  value: {{ .Values.postgresql.auth.database | quote }}
{{- else -}}
{{- $db := .Values.externalDatabase -}}
- name: POSTGRES_HOST
  value: {{ $db.host | quote }}
- name: POSTGRES_PORT
  value: {{ $db.port | quote }}
- name: POSTGRES_USER
  value: {{ $db.username | quote }}
- name: POSTGRES_DB
  value: {{ $db.database | quote }}
- name: POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.passwordKey }}
- name: POSTGRES_SSLMODE
  value: {{ $db.sslmode | quote }}
{{- if $db.caBundle.configMap }}
- name: POSTGRES_SSLROOTCERT
  value: {{ printf "%s/%s" (include "taskboard.dbCADir" .) $db.caBundle.key | quote }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* The CA bundle's volume and mount (external database only). Call with the root context. */}}
{{- define "taskboard.dbCAVolume" -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.caBundle.configMap -}}
- name: db-ca
  configMap:
    name: {{ .Values.externalDatabase.caBundle.configMap }}
    items:
      - key: {{ .Values.externalDatabase.caBundle.key }}
        path: {{ .Values.externalDatabase.caBundle.key }}
{{- end -}}
{{- end -}}
{{- define "taskboard.dbCAMount" -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.caBundle.configMap -}}
- name: db-ca
  mountPath: {{ include "taskboard.dbCADir" . }}
  readOnly: true
{{- end -}}
{{- end -}}

{{/* Fails rendering when backups are on without a bucket: never a CronJob that uploads nowhere. */}}
{{- define "taskboard.validateBackup" -}}
{{- if .Values.backup.enabled -}}
{{- $_ := required "backup.s3.bucket is required when backup.enabled is true" .Values.backup.s3.bucket -}}
{{- if and .Values.backup.s3.credentialsSecret (not .Values.backup.s3.endpoint) -}}
{{- fail "backup.s3.credentialsSecret needs backup.s3.endpoint (an S3-compatible store): on AWS the backup uses IRSA, never keys" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The S3 endpoint's port, for the NetworkPolicy: 443 on AWS, else the endpoint's (80/443 by scheme). */}}
{{- define "taskboard.s3Port" -}}
{{- with .Values.backup.s3.endpoint -}}
{{- $u := urlParse . -}}
{{- $hp := splitList ":" $u.host -}}
{{- if gt (len $hp) 1 -}}{{ last $hp }}{{- else -}}{{ ternary "80" "443" (eq $u.scheme "http") }}{{- end -}}
{{- else -}}443{{- end -}}
{{- end -}}

{{- define "taskboard.backupName" -}}{{ include "taskboard.fullname" . }}-backup{{- end -}}
{{- define "taskboard.restoreName" -}}{{ include "taskboard.fullname" . }}-restore{{- end -}}

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

{{/*
The pod template of the backup and restore Jobs: the backend image, its uid, its hardening, the
database settings and BACKUP_S3_*. Call with (dict "ctx" $ "component" "backup" "args" (list ...)).
*/}}
{{- define "taskboard.backupPod" -}}
{{- $ := .ctx -}}
{{- $be := $.Values.backend -}}
{{- $b := $.Values.backup -}}
{{- $uid := dict "uid" $be.runAsUser "gid" $be.runAsGroup -}}
metadata:
  labels:
    {{- include "taskboard.componentLabels" (dict "ctx" $ "component" .component) | nindent 4 }}
  {{- with include "taskboard.pullPolicyScoreAnnotation" $be.image }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "taskboard.backupName" $ }}
  automountServiceAccountToken: false
  restartPolicy: Never
  {{- include "taskboard.imagePullSecrets" $ | nindent 2 }}
  securityContext:
    {{- include "taskboard.podSecurityContext" $uid | nindent 4 }}
  {{- include "taskboard.scheduling" $b | nindent 2 }}
  containers:
    - name: {{ .component }}
      image: {{ include "taskboard.image" $be.image | quote }}
      imagePullPolicy: {{ include "taskboard.pullPolicy" $be.image }}
      args:
        {{- toYaml .args | nindent 8 }}
      securityContext:
        {{- include "taskboard.containerSecurityContext" $uid | nindent 8 }}
      env:
        {{- include "taskboard.databaseEnv" $ | nindent 8 }}
        - name: BACKUP_S3_BUCKET
          value: {{ $b.s3.bucket | quote }}
        - name: BACKUP_S3_PREFIX
          value: {{ $b.s3.prefix | quote }}
        - name: BACKUP_S3_SSE
          value: {{ $b.s3.sse | quote }}
        {{- with $b.s3.kmsKeyId }}
        - name: BACKUP_S3_KMS_KEY_ID
          value: {{ . | quote }}
        {{- end }}
        {{- with $b.s3.region }}
        - name: AWS_REGION
          value: {{ . | quote }}
        {{- end }}
        {{- with $b.s3.endpoint }}
        - name: BACKUP_S3_ENDPOINT
          value: {{ . | quote }}
        {{- end }}
        {{- if $b.s3.pathStyle }}
        - name: BACKUP_S3_PATH_STYLE
          value: "true"
        {{- end }}
        {{- /* An S3-compatible store without IRSA (the schema allows it only with an endpoint). */}}
        {{- with $b.s3.credentialsSecret }}
        - name: AWS_ACCESS_KEY_ID
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: access-key-id
        - name: AWS_SECRET_ACCESS_KEY
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: secret-access-key
        {{- end }}
      resources:
        {{- toYaml $b.resources | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- with include "taskboard.dbCAMount" $ }}
        {{- . | nindent 8 }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $b.tmpSizeLimit }}
    {{- with include "taskboard.dbCAVolume" $ }}
    {{- . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/* NetworkPolicy egress rule to the database: the StatefulSet's pods, or externalDatabase.egressTo. */}}
{{- define "taskboard.databaseEgress" -}}
{{- if .Values.postgresql.enabled -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "taskboard.selectorLabels" (dict "ctx" . "component" "postgresql") | nindent 10 }}
  ports:
    - port: 5432
      protocol: TCP
{{- else -}}
- to:
    {{- toYaml .Values.externalDatabase.egressTo | nindent 4 }}
  ports:
    - port: {{ .Values.externalDatabase.port }}
      protocol: TCP
{{- end -}}
{{- end -}}
