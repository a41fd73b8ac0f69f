// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1beta1

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestNetworkProblemsNameTheField(t *testing.T) {
	ns := &metav1.LabelSelector{}
	block := func(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
		return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
	}
	port := func(p intstr.IntOrString, end *int32, proto corev1.Protocol) networkingv1.NetworkPolicyPort {
		return networkingv1.NetworkPolicyPort{Port: &p, EndPort: end, Protocol: &proto}
	}
	for name, tc := range map[string]struct {
		network NetworkConfig
		want    string // "" for no problem
	}{
		"a namespace selector":       {NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: ns}}}, ""},
		"a CIDR with host bits":      {NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{block("10.0.0.1/8")}}, ""},
		"an exception inside":        {NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{block("10.0.0.0/8", "10.1.0.0/16")}}, ""},
		"IPv6":                       {NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{block("fd00::/8", "fd00:1::/32")}}, ""},
		"a named port":               {NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{port(intstr.FromString("https"), nil, "TCP")}}, ""},
		"a port range":               {NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(8000), ptr.To[int32](9000), "UDP")}}, ""},
		"an empty peer":              {NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{{}}}, "network.egressTo[0]: must specify at least one of podSelector, namespaceSelector, or ipBlock"},
		"ipBlock with a selector":    {NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: ns}, {IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}, PodSelector: ns}}}, "network.ingressFrom[1]: ipBlock cannot be combined"},
		"a CIDR that does not parse": {NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{block("10.0.0.0/33")}}, `network.egressTo[0].ipBlock.cidr: "10.0.0.0/33" is not a CIDR`},
		"an exception outside":       {NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{block("10.0.0.0/8", "192.168.0.0/16")}}, "network.egressTo[0].ipBlock.except[0]: 192.168.0.0/16 does not lie within the cidr 10.0.0.0/8"},
		"an exception wider":         {NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{block("10.0.0.0/16", "10.0.0.0/8")}}, "does not lie within"},
		"a bad exception":            {NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{block("10.0.0.0/8", "nope")}}, `network.egressTo[0].ipBlock.except[0]: "nope" is not a CIDR`},
		"a bad DNS peer":             {NetworkConfig{DNSEgressPeer: &networkingv1.NetworkPolicyPeer{}}, "network.dnsEgressPeer: must specify"},
		"a bad port name":            {NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{port(intstr.FromString("Not_A_Name"), nil, "TCP")}}, `network.egressPorts[0].port: "Not_A_Name" is not a port name`},
		"port 0":                     {NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(0), nil, "TCP")}}, "network.egressPorts[0].port: 0 must be between 1 and 65535"},
		"a bad protocol":             {NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(80), nil, "ICMP")}}, `network.egressPorts[0].protocol: "ICMP" must be TCP, UDP or SCTP`},
		"endPort with a named port":  {NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{port(intstr.FromString("https"), ptr.To[int32](9000), "TCP")}}, "network.egressPorts[0].endPort: needs a numeric port"},
		"endPort below port":         {NetworkConfig{EgressPorts: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(9000), ptr.To[int32](8000), "TCP")}}, "network.egressPorts[0].endPort: 8000 must be at least port (9000)"},
	} {
		problems := tc.network.Problems()
		switch {
		case tc.want == "" && len(problems) > 0:
			t.Errorf("%s: problems %v, want none", name, problems)
		case tc.want != "" && (len(problems) != 1 || !strings.Contains(problems[0], tc.want)):
			t.Errorf("%s: problems %v, want one with %q", name, problems, tc.want)
		}
	}
	var none *NetworkConfig
	if none.Problems() != nil {
		t.Error("an absent network spec has problems")
	}
}
