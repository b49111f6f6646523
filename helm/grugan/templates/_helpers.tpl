{{/* Chart name, cut to 63 characters (Kubernetes name limit). */}}
{{- define "grugan.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: <release>-<chart>, or the release name alone when it already contains the chart name.
Cut to 52 so that suffixes like "-coordinator" still fit in 63.
*/}}
{{- define "grugan.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart label value. */}}
{{- define "grugan.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels (immutable in Deployments: never add to these). */}}
{{- define "grugan.selectorLabels" -}}
app.kubernetes.io/name: {{ include "grugan.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Common labels. */}}
{{- define "grugan.labels" -}}
helm.sh/chart: {{ include "grugan.chart" . }}
{{ include "grugan.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: grugan
{{- end }}

{{/* Coordinator selector labels. */}}
{{- define "grugan.coordinator.selectorLabels" -}}
{{ include "grugan.selectorLabels" . }}
app.kubernetes.io/component: coordinator
{{- end }}

{{/*
Worker selector labels: what the launcher puts on every worker pod (see
apps/coordinator/src/launchers/kubernetes/manifests.ts); the launcher names the app "grugan"
and the instance after GRUGAN_RELEASE_NAME.
*/}}
{{- define "grugan.worker.selectorLabels" -}}
app.kubernetes.io/name: grugan
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end }}

{{/* Coordinator ServiceAccount name. */}}
{{- define "grugan.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "grugan.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Worker ServiceAccount name. */}}
{{- define "grugan.worker.serviceAccountName" -}}
{{- if .Values.worker.serviceAccount.create }}
{{- default (printf "%s-worker" (include "grugan.fullname" .)) .Values.worker.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.worker.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Coordinator image (CPU). */}}
{{- define "grugan.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Worker image: the -gpu tag when workers get GPUs. */}}
{{- define "grugan.worker.image" -}}
{{- $repo := default .Values.image.repository .Values.worker.image.repository }}
{{- $defaultTag := .Chart.AppVersion }}
{{- if gt (int .Values.worker.gpusPerPod) 0 }}
{{- $defaultTag = printf "%s-gpu" .Chart.AppVersion }}
{{- end }}
{{- printf "%s:%s" $repo (default $defaultTag .Values.worker.image.tag) }}
{{- end }}

{{/* Name of the Secret holding the API token. */}}
{{- define "grugan.apiTokenSecretName" -}}
{{- default (printf "%s-api-token" (include "grugan.fullname" .)) .Values.apiToken.existingSecret }}
{{- end }}

{{/* Plain NATS URL (without credentials): the bundled NATS Service, or externalNats.url. */}}
{{- define "grugan.natsUrl" -}}
{{- if .Values.nats.enabled }}
{{- $natsName := "" }}
{{- if .Values.nats.fullnameOverride }}
{{- $natsName = .Values.nats.fullnameOverride }}
{{- else if contains "nats" .Release.Name }}
{{- $natsName = .Release.Name }}
{{- else }}
{{- $natsName = printf "%s-nats" .Release.Name }}
{{- end }}
{{- printf "nats://%s.%s.svc:4222" ($natsName | trunc 63 | trimSuffix "-") .Release.Namespace }}
{{- else }}
{{- .Values.externalNats.url }}
{{- end }}
{{- end }}

{{/* Fails rendering when no NATS is configured at all. */}}
{{- define "grugan.validateNats" -}}
{{- if and (not .Values.nats.enabled) (not .Values.externalNats.url) (not .Values.externalNats.existingSecret) }}
{{- fail "NATS: set nats.enabled=true, or externalNats.url, or externalNats.existingSecret" }}
{{- end }}
{{- end }}
