// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render

import "fmt"

// The network postures for servers whose spec says nothing about their network.
const (
	// PostureOpen: the server's port from anyone, egress anywhere.
	PostureOpen = "open"
	// PostureRestricted: the port only from the operator and the admin's allowedPeers, egress
	// DNS only (unless the spec sets egress).
	PostureRestricted = "restricted"
)

// OperatorPodLabels select the operator's pods, as its install manifests label them.
var OperatorPodLabels = map[string]string{"control-plane": "controller-manager", "app.kubernetes.io/name": "mcp-operator"}

// OperatorValues are the values the operator knows of itself, the layer beneath the admin
// defaults: its default network posture, its own pods as a NetworkPolicy peer (in namespace)
// so that every server's policy lets its handshake through, and the image of its stdio bridge
// (its own image; an admin may name a mirror).
func OperatorValues(namespace, posture, bridgeImage string) (map[string]any, error) {
	if posture != PostureOpen && posture != PostureRestricted {
		return nil, fmt.Errorf("network policy posture %q: want %s or %s", posture, PostureOpen, PostureRestricted)
	}
	labels := map[string]any{}
	for k, v := range OperatorPodLabels {
		labels[k] = v
	}
	peer := map[string]any{
		"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": namespace}},
		"podSelector":       map[string]any{"matchLabels": labels},
	}
	return map[string]any{
		"networkPolicy": map[string]any{"defaultPosture": posture, "operatorPeers": []any{peer}},
		"stdioBridge":   map[string]any{"image": bridgeImage},
	}, nil
}
