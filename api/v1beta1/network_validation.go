// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1beta1

import (
	"fmt"
	"net"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Problems lists what is wrong with the network spec that the CRD's CEL rules do not catch:
// ipBlock CIDRs that do not parse or exceptions outside them, and port names that are not IANA
// service names. Each problem starts with its field path (network.egressTo[0].ipBlock: ...),
// as upstream's reconciler words them. The CEL rules' own checks are repeated, so that objects
// stored before the rules existed are reported too.
func (n *NetworkConfig) Problems() []string {
	if n == nil {
		return nil
	}
	var problems []string
	for i, p := range n.IngressFrom {
		problems = append(problems, peerProblems(fmt.Sprintf("network.ingressFrom[%d]", i), p)...)
	}
	for i, p := range n.EgressTo {
		problems = append(problems, peerProblems(fmt.Sprintf("network.egressTo[%d]", i), p)...)
	}
	if n.DNSEgressPeer != nil {
		problems = append(problems, peerProblems("network.dnsEgressPeer", *n.DNSEgressPeer)...)
	}
	for i, p := range n.EgressPorts {
		problems = append(problems, portProblems(fmt.Sprintf("network.egressPorts[%d]", i), p)...)
	}
	return problems
}

func peerProblems(path string, p networkingv1.NetworkPolicyPeer) []string {
	switch {
	case p.PodSelector == nil && p.NamespaceSelector == nil && p.IPBlock == nil:
		return []string{path + ": must specify at least one of podSelector, namespaceSelector, or ipBlock"}
	case p.IPBlock == nil:
		return nil
	case p.PodSelector != nil || p.NamespaceSelector != nil:
		return []string{path + ": ipBlock cannot be combined with podSelector or namespaceSelector"}
	}
	_, block, err := net.ParseCIDR(p.IPBlock.CIDR)
	if err != nil {
		return []string{fmt.Sprintf("%s.ipBlock.cidr: %q is not a CIDR (for example 10.0.0.0/8)", path, p.IPBlock.CIDR)}
	}
	var problems []string
	blockSize, _ := block.Mask.Size()
	for j, except := range p.IPBlock.Except {
		ip, sub, err := net.ParseCIDR(except)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s.ipBlock.except[%d]: %q is not a CIDR", path, j, except))
			continue
		}
		if subSize, _ := sub.Mask.Size(); !block.Contains(ip) || subSize < blockSize {
			problems = append(problems, fmt.Sprintf("%s.ipBlock.except[%d]: %s does not lie within the cidr %s", path, j, except, p.IPBlock.CIDR))
		}
	}
	return problems
}

func portProblems(path string, p networkingv1.NetworkPolicyPort) []string {
	var problems []string
	if p.Protocol != nil && *p.Protocol != "TCP" && *p.Protocol != "UDP" && *p.Protocol != "SCTP" {
		problems = append(problems, fmt.Sprintf("%s.protocol: %q must be TCP, UDP or SCTP", path, *p.Protocol))
	}
	numeric := p.Port != nil && p.Port.Type == intstr.Int
	switch {
	case numeric && (p.Port.IntVal < 1 || p.Port.IntVal > 65535):
		problems = append(problems, fmt.Sprintf("%s.port: %d must be between 1 and 65535", path, p.Port.IntVal))
	case p.Port != nil && !numeric:
		for _, msg := range validation.IsValidPortName(p.Port.StrVal) {
			problems = append(problems, fmt.Sprintf("%s.port: %q is not a port name: %s", path, p.Port.StrVal, msg))
		}
	}
	switch {
	case p.EndPort == nil:
	case !numeric:
		problems = append(problems, path+".endPort: needs a numeric port")
	case *p.EndPort < p.Port.IntVal || *p.EndPort > 65535:
		problems = append(problems, fmt.Sprintf("%s.endPort: %d must be at least port (%d) and at most 65535", path, *p.EndPort, p.Port.IntVal))
	}
	return problems
}
