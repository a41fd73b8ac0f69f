// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render

// Gateway is where spec.gateway's httproute provider attaches the server's HTTPRoute, as its
// ConfigMap says.
type Gateway struct {
	// Name and Namespace of the Gateway (parentRef).
	Name, Namespace string
	// Hostname of the route, when the ConfigMap sets one.
	Hostname string
}

// gatewayValues are the chart's values for the HTTPRoute to the MCP endpoint at path.
func gatewayValues(g *Gateway, path string) map[string]any {
	route := map[string]any{"enabled": true, "parentName": g.Name, "parentNamespace": g.Namespace, "path": path}
	if g.Hostname != "" {
		route["hostname"] = g.Hostname
	}
	return map[string]any{"httpRoute": route}
}
