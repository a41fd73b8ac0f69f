// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// TestNetworkPolicyOfEachNetworkShape holds the NetworkPolicy of each spec.network shape to
// what upstream's API-v1beta1.md section 6 says it means: ingress on config.port from
// ingressFrom (anyone when empty); egress unrestricted until egressTo or egressPorts is set,
// then DNS (to dnsEgressPeer when set) plus the user's rule, nothing else. Upstream writes
// "unrestricted" as policyTypes [Ingress, Egress] with egress [{}]; leaving Egress out of
// policyTypes means the same.
func TestNetworkPolicyOfEachNetworkShape(t *testing.T) {
	r := newRenderer(t)
	clients := networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}}}
	dns := networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}}}
	api := networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"10.1.0.0/16"}}}
	https := networkingv1.NetworkPolicyPort{Protocol: ptr.To(corev1.ProtocolTCP), Port: ptr.To(intstr.FromInt32(443))}
	mcpPort := []networkingv1.NetworkPolicyPort{{Protocol: ptr.To(corev1.ProtocolTCP), Port: ptr.To(intstr.FromInt32(8080))}}
	dnsPorts := []networkingv1.NetworkPolicyPort{
		{Protocol: ptr.To(corev1.ProtocolUDP), Port: ptr.To(intstr.FromInt32(53))},
		{Protocol: ptr.To(corev1.ProtocolTCP), Port: ptr.To(intstr.FromInt32(53))},
	}
	ingressOnly := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	both := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	for name, tc := range map[string]struct {
		network *mcpv1alpha1.NetworkConfig
		types   []networkingv1.PolicyType
		ingress []networkingv1.NetworkPolicyIngressRule
		egress  []networkingv1.NetworkPolicyEgressRule
	}{
		"no network: the port from anyone, egress open": {
			types: ingressOnly, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
		},
		"ingressFrom: the port from those peers only": {
			network: &mcpv1alpha1.NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{clients}},
			types:   ingressOnly, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort, From: []networkingv1.NetworkPolicyPeer{clients}}},
		},
		"dnsEgressPeer alone changes nothing": {
			network: &mcpv1alpha1.NetworkConfig{DNSEgressPeer: &dns},
			types:   ingressOnly, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
		},
		"egressTo: DNS anywhere, and those peers on any port": {
			network: &mcpv1alpha1.NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{api}},
			types:   both, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
			egress: []networkingv1.NetworkPolicyEgressRule{{Ports: dnsPorts}, {To: []networkingv1.NetworkPolicyPeer{api}}},
		},
		"egressPorts: DNS anywhere, and those ports anywhere": {
			network: &mcpv1alpha1.NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{https}},
			types:   both, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
			egress: []networkingv1.NetworkPolicyEgressRule{{Ports: dnsPorts}, {Ports: []networkingv1.NetworkPolicyPort{https}}},
		},
		"everything: DNS to its peer, and the peers on the ports": {
			network: &mcpv1alpha1.NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{clients}, EgressTo: []networkingv1.NetworkPolicyPeer{api},
				EgressPorts: []networkingv1.NetworkPolicyPort{https}, DNSEgressPeer: &dns},
			types: both, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort, From: []networkingv1.NetworkPolicyPeer{clients}}},
			egress: []networkingv1.NetworkPolicyEgressRule{
				{Ports: dnsPorts, To: []networkingv1.NetworkPolicyPeer{dns}},
				{To: []networkingv1.NetworkPolicyPeer{api}, Ports: []networkingv1.NetworkPolicyPort{https}},
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := customerServer()
			s.Spec.Network = tc.network
			objs, err := r.Render(render.Request{Server: s})
			if err != nil {
				t.Fatal(err)
			}
			_, _, np := objectsByKind(t, objs)
			if np == nil {
				t.Fatal("no NetworkPolicy rendered")
			}
			if diff := cmp.Diff(tc.types, np.Spec.PolicyTypes); diff != "" {
				t.Errorf("policyTypes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.ingress, np.Spec.Ingress); diff != "" {
				t.Errorf("ingress (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.egress, np.Spec.Egress); diff != "" {
				t.Errorf("egress (-want +got):\n%s", diff)
			}
		})
	}
}
