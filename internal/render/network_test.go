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

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
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
		network *mcpv1beta1.NetworkConfig
		types   []networkingv1.PolicyType
		ingress []networkingv1.NetworkPolicyIngressRule
		egress  []networkingv1.NetworkPolicyEgressRule
	}{
		"no network: the port from anyone, egress open": {
			types: ingressOnly, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
		},
		"ingressFrom: the port from those peers only": {
			network: &mcpv1beta1.NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{clients}},
			types:   ingressOnly, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort, From: []networkingv1.NetworkPolicyPeer{clients}}},
		},
		"dnsEgressPeer alone changes nothing": {
			network: &mcpv1beta1.NetworkConfig{DNSEgressPeer: &dns},
			types:   ingressOnly, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
		},
		"egressTo: DNS anywhere, and those peers on any port": {
			network: &mcpv1beta1.NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{api}},
			types:   both, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
			egress: []networkingv1.NetworkPolicyEgressRule{{Ports: dnsPorts}, {To: []networkingv1.NetworkPolicyPeer{api}}},
		},
		"egressPorts: DNS anywhere, and those ports anywhere": {
			network: &mcpv1beta1.NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{https}},
			types:   both, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
			egress: []networkingv1.NetworkPolicyEgressRule{{Ports: dnsPorts}, {Ports: []networkingv1.NetworkPolicyPort{https}}},
		},
		"everything: DNS to its peer, and the peers on the ports": {
			network: &mcpv1beta1.NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{clients}, EgressTo: []networkingv1.NetworkPolicyPeer{api},
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

// TestRestrictedPosture: under the restricted posture a server whose spec says nothing takes
// its port only from the operator and the admin's allowedPeers, and reaches only DNS; the
// operator joins any ingress list (so a user's ingressFrom never locks out the handshake);
// with no peer at all nothing gets in; admin values choose the posture over the flag.
func TestRestrictedPosture(t *testing.T) {
	r := newRenderer(t)
	restricted, err := render.OperatorValues("mcp-operator-system", render.PostureRestricted, "")
	if err != nil {
		t.Fatal(err)
	}
	open, err := render.OperatorValues("mcp-operator-system", render.PostureOpen, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := render.OperatorValues("x", "closed", ""); err == nil {
		t.Error("posture closed was accepted")
	}
	operator := networkingv1.NetworkPolicyPeer{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "mcp-operator-system"}},
		PodSelector:       &metav1.LabelSelector{MatchLabels: render.OperatorPodLabels},
	}
	gateway := networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "gateway"}}}
	clients := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"role": "client"}}}
	api := networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "10.96.0.1/32"}}
	allowGateway := render.AdminValues{Defaults: map[string]any{"networkPolicy": map[string]any{
		"allowedPeers": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "gateway"}}}}}}}
	mcpPort := []networkingv1.NetworkPolicyPort{{Protocol: ptr.To(corev1.ProtocolTCP), Port: ptr.To(intstr.FromInt32(8080))}}
	dnsOnly := []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{
		{Protocol: ptr.To(corev1.ProtocolUDP), Port: ptr.To(intstr.FromInt32(53))},
		{Protocol: ptr.To(corev1.ProtocolTCP), Port: ptr.To(intstr.FromInt32(53))},
	}}}
	for name, tc := range map[string]struct {
		operator map[string]any
		admin    render.AdminValues
		network  *mcpv1beta1.NetworkConfig
		ingress  []networkingv1.NetworkPolicyIngressRule
		egress   []networkingv1.NetworkPolicyEgressRule
	}{
		"restricted, the spec silent: the operator and the admin's peers; DNS only": {
			operator: restricted, admin: allowGateway,
			ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort, From: []networkingv1.NetworkPolicyPeer{gateway, operator}}},
			egress:  dnsOnly,
		},
		"restricted with no peer at all: nothing gets in": {
			operator: map[string]any{"networkPolicy": map[string]any{"defaultPosture": "restricted"}},
			ingress:  []networkingv1.NetworkPolicyIngressRule{}, egress: dnsOnly,
		},
		"restricted, the spec's peers and egress: those, the operator, DNS and the egress": {
			operator: restricted, admin: allowGateway,
			network: &mcpv1beta1.NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{clients}, EgressTo: []networkingv1.NetworkPolicyPeer{api}},
			ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort, From: []networkingv1.NetworkPolicyPeer{clients, operator}}},
			egress:  append(append([]networkingv1.NetworkPolicyEgressRule{}, dnsOnly...), networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{api}}),
		},
		"open with the spec's peers: the operator joins them": {
			operator: open,
			network:  &mcpv1beta1.NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{clients}},
			ingress:  []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort, From: []networkingv1.NetworkPolicyPeer{clients, operator}}},
		},
		"open, the spec silent: anyone": {
			operator: open, ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort}},
		},
		"admin defaults choose restricted over the flag's open": {
			operator: open, admin: render.AdminValues{Defaults: map[string]any{"networkPolicy": map[string]any{"defaultPosture": "restricted"}}},
			ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: mcpPort, From: []networkingv1.NetworkPolicyPeer{operator}}},
			egress:  dnsOnly,
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := customerServer()
			s.Spec.Network = tc.network
			objs, err := r.Render(render.Request{Server: s, Operator: tc.operator, Admin: tc.admin})
			if err != nil {
				t.Fatal(err)
			}
			_, _, np := objectsByKind(t, objs)
			if diff := cmp.Diff(tc.ingress, np.Spec.Ingress); diff != "" {
				t.Errorf("ingress (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.egress, np.Spec.Egress); diff != "" {
				t.Errorf("egress (-want +got):\n%s", diff)
			}
			wantEgressType := tc.egress != nil
			if got := len(np.Spec.PolicyTypes) == 2; got != wantEgressType {
				t.Errorf("policyTypes %v: Egress present %v, want %v", np.Spec.PolicyTypes, got, wantEgressType)
			}
		})
	}
}
