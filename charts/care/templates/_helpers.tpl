{{/* Names ---------------------------------------------------------------------------------- */}}
{{- define "care.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "care.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>"; call with (dict "root" $ "component" "deid") */}}
{{- define "care.componentName" -}}
{{- printf "%s-%s" (include "care.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "care.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels; call with (dict "root" $ "component" "deid") ------------------------------------- */}}
{{- define "care.selectorLabels" -}}
app.kubernetes.io/name: {{ include "care.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "care.labels" -}}
{{ include "care.selectorLabels" . }}
app.kubernetes.io/part-of: care
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "care.chart" .root }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Resources named by the release ------------------------------------------------------------ */}}
{{- define "care.configName" -}}{{ include "care.fullname" . }}-settings{{- end -}}
{{- define "care.promptsName" -}}
{{- default (printf "%s-prompts" (include "care.fullname" .)) .Values.prompts.existingConfigMap -}}
{{- end -}}
{{- define "care.hasPrompts" -}}
{{- if or .Values.prompts.existingConfigMap .Values.prompts.files }}true{{ end -}}
{{- end -}}
{{- define "care.safetyProtocolsName" -}}
{{- default (printf "%s-safety-protocols" (include "care.fullname" .)) .Values.safetyProtocols.existingConfigMap -}}
{{- end -}}
{{- define "care.hasSafetyProtocols" -}}
{{- if or .Values.safetyProtocols.existingConfigMap .Values.safetyProtocols.files }}true{{ end -}}
{{- end -}}
{{- define "care.secretName" -}}
{{- default (printf "%s-secrets" (include "care.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}
{{- define "care.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "care.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "care.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}
{{- end -}}

{{/* A settings value as an environment string: whole numbers without an exponent ------------- */}}
{{- define "care.envValue" -}}
{{- if and (kindIs "float64" .) (eq . (floor .)) -}}
{{ int64 . }}
{{- else -}}
{{ toString . }}
{{- end -}}
{{- end -}}

{{/* CARE_<NAME> entries of a settings map, as a YAML map body -------------------------------- */}}
{{- define "care.settingsData" -}}
{{- range $key, $value := . }}
{{ printf "CARE_%s" (upper $key) }}: {{ include "care.envValue" $value | quote }}
{{- end }}
{{- end -}}

{{/* The same as EnvVar entries (per-component `env`) ----------------------------------------- */}}
{{- define "care.settingsEnv" -}}
{{- range $key, $value := . }}
- name: {{ printf "CARE_%s" (upper $key) }}
  value: {{ include "care.envValue" $value | quote }}
{{- end }}
{{- end -}}

{{/* Settings the chart derives: inference service and TGI, TLS files, prompts, protocols - */}}
{{- define "care.derivedSettings" -}}
{{- $root := . -}}
{{- $d := dict -}}
{{- $_ := set $d "inference_target" (printf "%s:%v" (include "care.componentName" (dict "root" $root "component" "inference")) .Values.inference.port) -}}
{{- $_ := set $d "inference_listen" (printf "0.0.0.0:%v" .Values.inference.port) -}}
{{- if .Values.tgi.enabled -}}
{{- if eq .Values.tgi.mode "lora" -}}
{{- $_ := set $d "backend_url" (printf "http://%s:%v" (include "care.componentName" (dict "root" $root "component" "tgi")) .Values.tgi.port) -}}
{{- range $route, $adapter := .Values.tgi.lora.adapters -}}
{{- $_ := set $d (printf "backend_%s_adapter" $route) $adapter.id -}}
{{- end -}}
{{- else if eq .Values.tgi.mode "separate" -}}
{{- range $route, $model := .Values.tgi.separate -}}
{{- $_ := set $d (printf "backend_%s_url" $route) (printf "http://%s:%v" (include "care.componentName" (dict "root" $root "component" (printf "tgi-%s" $route))) $root.Values.tgi.port) -}}
{{- end -}}
{{- else -}}
{{- fail (printf "tgi.mode must be lora or separate, not %q" .Values.tgi.mode) -}}
{{- end -}}
{{- end -}}
{{- if .Values.kafka.tls.caSecret -}}
{{- $_ := set $d "kafka_ssl_cafile" (printf "/etc/care/kafka/ca/%s" .Values.kafka.tls.caKey) -}}
{{- end -}}
{{- if .Values.kafka.tls.clientSecret -}}
{{- $_ := set $d "kafka_ssl_certfile" (printf "/etc/care/kafka/client/%s" .Values.kafka.tls.certKey) -}}
{{- $_ := set $d "kafka_ssl_keyfile" (printf "/etc/care/kafka/client/%s" .Values.kafka.tls.keyKey) -}}
{{- end -}}
{{- if include "care.hasPrompts" . -}}
{{- $_ := set $d "system_prompt_dir" "/etc/care/prompts" -}}
{{- end -}}
{{- if include "care.hasSafetyProtocols" . -}}
{{- $_ := set $d "safety_protocol_dir" "/etc/care/safety-protocols" -}}
{{- end -}}
{{- toYaml $d -}}
{{- end -}}

{{/* Every CARE setting: the derived ones, overridden by `config` ----------------------------- */}}
{{- define "care.allSettings" -}}
{{- $derived := include "care.derivedSettings" . | fromYaml -}}
{{- toYaml (merge (deepCopy .Values.config) $derived) -}}
{{- end -}}

{{/* Environment of every CARE container: settings, metrics port, the Kafka password ---------- */}}
{{- define "care.commonEnv" -}}
- name: CARE_METRICS_PORT
  value: {{ .Values.metrics.port | quote }}
{{- end -}}

{{/* Tracing ------------------------------------------------------------------------------------ */}}
{{/* Fails the render on tracing values that cannot work; renders nothing. */}}
{{- define "care.tracingCheck" -}}
{{- $t := .Values.tracing -}}
{{- if $t.enabled -}}
{{- if not (or (hasPrefix "http://" $t.otlpEndpoint) (hasPrefix "https://" $t.otlpEndpoint)) -}}
{{- fail (printf "tracing.otlpEndpoint must be the collector's http:// or https:// URL when tracing.enabled, not %q" $t.otlpEndpoint) -}}
{{- end -}}
{{- if ne $t.protocol "grpc" -}}
{{- fail (printf "tracing.protocol must be grpc (the CARE image and TGI export OTLP over gRPC only), not %q" $t.protocol) -}}
{{- end -}}
{{- $host := (urlParse $t.otlpEndpoint).host -}}
{{- if and .Values.networkPolicy.enabled (contains ":" $host) -}}
{{- $port := last (splitList ":" $host) -}}
{{- $ports := list -}}
{{- range .Values.networkPolicy.tracing.ports }}{{ $ports = append $ports (toString .) }}{{ end -}}
{{- if not (has $port $ports) -}}
{{- fail (printf "networkPolicy.tracing.ports %v lacks %s, the port of tracing.otlpEndpoint" .Values.networkPolicy.tracing.ports $port) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* OTEL_* EnvVar entries of a CARE container, when tracing.enabled; call with (dict "root" $ "component" "deid") */}}
{{- define "care.tracingEnv" -}}
{{- $t := .root.Values.tracing -}}
{{- if $t.enabled }}
{{- include "care.tracingCheck" .root }}
- name: OTEL_TRACES_EXPORTER
  value: otlp
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $t.otlpEndpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ $t.protocol | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "care-%s" .component | quote }}
- name: OTEL_K8S_NAMESPACE
  valueFrom:
    fieldRef: {fieldPath: metadata.namespace}
- name: OTEL_K8S_POD_NAME
  valueFrom:
    fieldRef: {fieldPath: metadata.name}
{{- $attrs := list "k8s.namespace.name=$(OTEL_K8S_NAMESPACE)" "k8s.pod.name=$(OTEL_K8S_POD_NAME)" (printf "service.version=%s" .root.Chart.AppVersion) }}
{{- range $key, $value := $t.resourceAttributes }}
{{- $attrs = append $attrs (printf "%s=%s" $key (include "care.envValue" $value)) }}
{{- end }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ join "," $attrs | quote }}
{{- with $t.sampler }}
- name: OTEL_TRACES_SAMPLER
  value: {{ . | quote }}
{{- end }}
{{- if and $t.sampler (ne (toString $t.samplerArg) "") }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ include "care.envValue" $t.samplerArg | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "care.kafkaEnv" -}}
{{- if .Values.kafka.sasl.existingSecret }}
- name: CARE_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.passwordKey }}
{{- end }}
{{- end -}}

{{- define "care.kafkaVolumeMounts" -}}
{{- if .Values.kafka.tls.caSecret }}
- name: kafka-ca
  mountPath: /etc/care/kafka/ca
  readOnly: true
{{- end }}
{{- if .Values.kafka.tls.clientSecret }}
- name: kafka-client
  mountPath: /etc/care/kafka/client
  readOnly: true
{{- end }}
{{- end -}}

{{- define "care.kafkaVolumes" -}}
{{- if .Values.kafka.tls.caSecret }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.tls.caSecret }}
    defaultMode: 0440
{{- end }}
{{- if .Values.kafka.tls.clientSecret }}
- name: kafka-client
  secret:
    secretName: {{ .Values.kafka.tls.clientSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{/* Pod-level settings shared by the CARE Deployments and the Job ---------------------------- */}}
{{- define "care.podSpecCommon" -}}
serviceAccountName: {{ include "care.serviceAccountName" . }}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Scheduling of a component; call with its values --------------------------------------------- */}}
{{- define "care.scheduling" -}}
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
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The consumer group and input topics of a stage (care.worker.app, care.topics) ------------ */}}
{{- define "care.stageInputTopics" -}}
{{- $topics := dict "deid" (list "care.chat.inbound" "care.suggestions.internal") "router" (list "care.chat.deidentified") "assembler" (list "care.chat.routed") -}}
{{- toYaml (get $topics .) -}}
{{- end -}}

{{/* Monitoring CRDs: rendered when enabled; fail early when the cluster lacks the API -------- */}}
{{- define "care.requireApi" -}}
{{- if and .root.Values.crdCheck (not (.root.Capabilities.APIVersions.Has .api)) -}}
{{- fail (printf "%s is enabled but the cluster has no %s (install its CRDs/operator; or pass --api-versions %s to helm template, or set crdCheck=false)" .flag .api .api) -}}
{{- end -}}
{{- end -}}
