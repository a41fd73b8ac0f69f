{{/* Names of the operator's objects, prefixed with the release name. */}}
{{- define "mcp-operator.name" -}}
{{- printf "%s-controller-manager" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mcp-operator.labels" -}}
app.kubernetes.io/name: mcp-operator
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
{{- end -}}

{{- define "mcp-operator.selectorLabels" -}}
app.kubernetes.io/name: mcp-operator
app.kubernetes.io/instance: {{ .Release.Name | quote }}
control-plane: controller-manager
{{- end -}}

{{- define "mcp-operator.valuesConfigMap" -}}
{{- printf "%s-values" .Release.Name -}}
{{- end -}}

{{/* The namespaces the operator needs RBAC in: the watched ones and its own. */}}
{{- define "mcp-operator.rbacNamespaces" -}}
{{- $namespaces := list .Release.Namespace -}}
{{- range .Values.watchNamespaces }}{{ $namespaces = append $namespaces . }}{{ end -}}
{{- toJson (uniq $namespaces) -}}
{{- end -}}

{{/* The catalog page's objects. */}}
{{- define "mcp-operator.catalogName" -}}
{{- printf "%s-catalog" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mcp-operator.catalogSelectorLabels" -}}
app.kubernetes.io/name: mcp-operator
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: catalog
{{- end -}}

{{/* The conversion webhook's Service and certificate Secret. */}}
{{- define "mcp-operator.webhookService" -}}
{{- printf "%s-webhook-service" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mcp-operator.webhookSecret" -}}
{{- printf "%s-webhook-cert" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
