{{/*
Every object is named after the MCPServer (the release) and lives in its namespace. Values are
written with toJson, never spliced in as text: JSON is YAML, it can encode any string, and no
string in an MCPServer can change the structure of what these templates produce. (toYaml is not
used: it silently writes nothing for strings its YAML encoder refuses, such as control
characters.)
*/}}

{{/* The labels that select the server's pods; the operator relies on these. */}}
{{- define "mcp-server.selectorLabels" -}}
{{- dict "mcp-server" .Release.Name | toJson -}}
{{- end -}}

{{/* Labels of every object: the extra labels first, so the chart's own keys win. */}}
{{- define "mcp-server.labels" -}}
{{- $labels := deepCopy (.Values.extraLabels | default dict) -}}
{{- $_ := set $labels "app" "mcp-server" -}}
{{- $_ := set $labels "mcp-server" .Release.Name -}}
{{- toJson $labels -}}
{{- end -}}

{{/* Annotations of the Deployment and the Service. */}}
{{- define "mcp-server.annotations" -}}
{{- toJson (.Values.extraAnnotations | default dict) -}}
{{- end -}}

{{/* Annotations of the pod template: the extra ones, and the config hash that rolls the pods. */}}
{{- define "mcp-server.podAnnotations" -}}
{{- $annotations := deepCopy (.Values.extraAnnotations | default dict) -}}
{{- with .Values.configHash -}}
{{- $_ := set $annotations "mcp.x-k8s.io/config-hash" . -}}
{{- end -}}
{{- toJson $annotations -}}
{{- end -}}

{{/* The pod security context: the MCPServer's or the default, with the enforced fields over it. */}}
{{- define "mcp-server.podSecurityContext" -}}
{{- $base := .Values.podSecurityContext | default .Values.defaultPodSecurityContext | default dict -}}
{{- toJson (mustMergeOverwrite (deepCopy $base) (deepCopy (.Values.enforcedPodSecurityContext | default dict))) -}}
{{- end -}}

{{/* The container security context, built the same way. */}}
{{- define "mcp-server.securityContext" -}}
{{- $base := .Values.securityContext | default .Values.defaultSecurityContext | default dict -}}
{{- toJson (mustMergeOverwrite (deepCopy $base) (deepCopy (.Values.enforcedSecurityContext | default dict))) -}}
{{- end -}}
