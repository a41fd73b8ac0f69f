// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/platform"
)

// CheckAdminValues tells whether admin values are usable: every top-level key is one the chart
// knows (a typo would otherwise be silently ignored), and the chart renders with them for an
// MCPServer that uses every feature.
func (r *Renderer) CheckAdminValues(admin AdminValues) error {
	for layer, values := range map[string]map[string]any{"defaults": admin.Defaults, "overrides": admin.Overrides} {
		var unknown []string
		for k := range values {
			if _, ok := r.chart.Values[k]; !ok {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return fmt.Errorf("%s: the mcp-server chart has no value %s", layer, strings.Join(unknown, ", "))
		}
	}
	// With the Route API, so that values breaking the Route template are refused too.
	if _, err := r.Render(Request{Server: representativeServer(), ConfigHash: "0123456789abcdef", Admin: admin, Capabilities: Capabilities(platform.APIs{Routes: true, HTTPRoutes: true})}); err != nil {
		return fmt.Errorf("the chart does not render with these values: %w", err)
	}
	return nil
}

// representativeServer uses every part of the spec, so that admin values that break any
// template path fail the check.
func representativeServer() *mcpv1beta1.MCPServer {
	s := &mcpv1beta1.MCPServer{}
	s.Name, s.Namespace = "admin-values-check", "default"
	s.Spec = mcpv1beta1.MCPServerSpec{
		ExtraLabels:      map[string]string{"team": "platform"},
		ExtraAnnotations: map[string]string{"example.com/owner": "platform"},
		Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{
			Ref: "registry.example.com/mcp/server:1.0.0", PullPolicy: corev1.PullIfNotPresent,
			ImagePullSecrets: []corev1.LocalObjectReference{{Name: "pull"}},
		}},
		Config: mcpv1beta1.ServerConfig{
			Port: 8080, Path: "/mcp", Arguments: []string{"--verbose"},
			Env:     []corev1.EnvVar{{Name: "A", Value: "b"}},
			EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "env"}}}},
			Storage: []mcpv1beta1.StorageMount{
				{Path: "/config", Permissions: mcpv1beta1.MountPermissionsReadOnly, Source: mcpv1beta1.StorageSource{
					Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}},
				{Path: "/secret", Permissions: mcpv1beta1.MountPermissionsRecursiveReadOnly, Source: mcpv1beta1.StorageSource{
					Type: mcpv1beta1.StorageTypeSecret, Secret: &corev1.SecretVolumeSource{SecretName: "creds"}}},
				{Path: "/tmp", Permissions: mcpv1beta1.MountPermissionsReadWrite, Source: mcpv1beta1.StorageSource{
					Type: mcpv1beta1.StorageTypeEmptyDir, EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: ptr.To(resource.MustParse("64Mi"))}}},
			},
		},
		Runtime: mcpv1beta1.RuntimeConfig{
			Replicas: ptr.To[int32](2),
			Security: mcpv1beta1.SecurityConfig{ServiceAccountName: "mcp",
				PodSecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true)},
				SecurityContext:    &corev1.SecurityContext{ReadOnlyRootFilesystem: ptr.To(true)}},
			Resources: &corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m")}},
			Health: mcpv1beta1.HealthConfig{
				LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(8080)}}},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(8080)}}},
			},
		},
		MCP: mcpv1beta1.MCPConfig{Stateless: ptr.To(true)},
		Expose: &mcpv1beta1.ExposeConfig{Route: &mcpv1beta1.RouteExposure{
			Host: "mcp.apps.example.com", Path: "/mcp", Annotations: map[string]string{"haproxy.router.openshift.io/timeout": "1h"},
			TLS: &mcpv1beta1.RouteTLS{Termination: "edge", InsecureEdgeTerminationPolicy: "Redirect"},
		}},
		Transport: &mcpv1beta1.TransportConfig{TLS: &mcpv1beta1.TransportTLS{Enabled: true,
			CABundleSecret: &mcpv1beta1.CABundleSecretReference{Name: "server-ca"}}},
		Network: &mcpv1beta1.NetworkConfig{
			IngressFrom: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}}}},
			EgressTo:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"10.1.0.0/16"}}}},
			EgressPorts: []networkingv1.NetworkPolicyPort{{Protocol: ptr.To(corev1.ProtocolTCP), Port: ptr.To(intstr.FromInt32(443)), EndPort: ptr.To[int32](8443)}},
			DNSEgressPeer: &networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}}},
		},
	}
	return s
}
