// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// Network is what the server's NetworkPolicy allows, as the reconciler read it.
type Network struct {
	// Read: the reconciler read the policy (the spec was accepted and its objects applied).
	Read bool
	// Found: the server has a NetworkPolicy of its own.
	Found bool
	// IngressOpen: a rule admits the port from any source. Otherwise IngressPeers counts the
	// peers that may reach it (0: none).
	IngressOpen  bool
	IngressPeers int
	// EgressRestricted: the policy limits where the server may connect.
	EgressRestricted bool
}

// NetworkOf summarises a server's NetworkPolicy; nil for none.
func NetworkOf(np *networkingv1.NetworkPolicy) Network {
	n := Network{Read: true}
	if np == nil {
		return n
	}
	n.Found = true
	for _, t := range np.Spec.PolicyTypes {
		if t == networkingv1.PolicyTypeEgress {
			n.EgressRestricted = true
		}
	}
	for _, rule := range np.Spec.Ingress {
		if len(rule.From) == 0 {
			n.IngressOpen = true
		}
		n.IngressPeers += len(rule.From)
	}
	return n
}

// networkRestricted sets the NetworkPolicyRestricted condition from what the policy allows,
// and leaves it as it was until the reconciler has read the policy.
func networkRestricted(s *mcpv1beta1.MCPServerStatus, n Network, generation int64, now metav1.Time) {
	if !n.Read {
		return
	}
	status, reason, message := networkVerdict(n)
	setCondition(s, mcpv1beta1.ConditionNetworkPolicyRestricted, status, reason, message, generation, now)
}

func networkVerdict(n Network) (metav1.ConditionStatus, string, string) {
	if !n.Found {
		return metav1.ConditionFalse, mcpv1beta1.ReasonNoNetworkPolicy,
			"the admin values turn the server's NetworkPolicy off (networkPolicy.enabled: false): any pod may reach it, and it may connect anywhere"
	}
	egress := "it may connect anywhere (spec.network.egressTo and egressPorts restrict that)"
	if n.EgressRestricted {
		egress = "it may connect only to DNS and the peers and ports its NetworkPolicy names"
	}
	switch {
	case n.IngressOpen:
		return metav1.ConditionFalse, mcpv1beta1.ReasonNetworkUnrestricted,
			"any pod may reach the server's port: set spec.network.ingressFrom, or ask the cluster admin for the restricted default posture; " + egress
	case n.IngressPeers == 0:
		return metav1.ConditionTrue, mcpv1beta1.ReasonNetworkRestricted, "nothing may reach the server's port (no peer is allowed, not even the operator); " + egress
	default:
		return metav1.ConditionTrue, mcpv1beta1.ReasonNetworkRestricted,
			fmt.Sprintf("only the %d peers its NetworkPolicy names may reach the server's port (the operator among them); %s", n.IngressPeers, egress)
	}
}
