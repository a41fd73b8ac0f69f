// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// TestGatewayURL: the public address follows the Gateway: its HTTPS listener gives https, the
// route's host name wins over the Gateway's address, and without either there is none.
func TestGatewayURL(t *testing.T) {
	gateway := func(protocol gatewayv1.ProtocolType, address string) *gatewayv1.Gateway {
		gw := &gatewayv1.Gateway{Spec: gatewayv1.GatewaySpec{Listeners: []gatewayv1.Listener{{Protocol: protocol}}}}
		if address != "" {
			gw.Status.Addresses = []gatewayv1.GatewayStatusAddress{{Value: address}}
		}
		return gw
	}
	for name, tc := range map[string]struct {
		g    Gateway
		want string
	}{
		"HTTPS listener, host name":       {Gateway{Hostname: "mcp.example.com", ParentGateway: gateway(gatewayv1.HTTPSProtocolType, "10.0.0.1")}, "https://mcp.example.com/mcp"},
		"HTTP listener, Gateway address":  {Gateway{ParentGateway: gateway(gatewayv1.HTTPProtocolType, "10.0.0.1")}, "http://10.0.0.1/mcp"},
		"no host name, no address":        {Gateway{ParentGateway: gateway(gatewayv1.HTTPProtocolType, "")}, ""},
		"Gateway unreadable, a host name": {Gateway{Hostname: "mcp.example.com"}, "http://mcp.example.com/mcp"},
	} {
		tc.g.Path = "/mcp"
		if got := tc.g.url(); got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}

// TestRouteAcceptedCountsOnlyTheCurrentGeneration: a Gateway's Accepted on an older generation
// of the route, or for another Gateway, is not a registration.
func TestRouteAcceptedCountsOnlyTheCurrentGeneration(t *testing.T) {
	ns := gatewayv1.Namespace("team")
	route := &gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "team", Generation: 2}}
	status := func(gateway string, generation int64) {
		route.Status.Parents = []gatewayv1.RouteParentStatus{{ParentRef: gatewayv1.ParentReference{Name: gatewayv1.ObjectName(gateway), Namespace: &ns},
			Conditions: []metav1.Condition{{Type: "Accepted", Status: metav1.ConditionTrue, ObservedGeneration: generation}}}}
	}
	status("public", 1)
	if ok, _ := routeAccepted(route, "team/public"); ok {
		t.Error("an older generation's acceptance counted")
	}
	status("other", 2)
	if ok, _ := routeAccepted(route, "team/public"); ok {
		t.Error("another Gateway's acceptance counted")
	}
	status("public", 2)
	if ok, _ := routeAccepted(route, "team/public"); !ok {
		t.Error("the current acceptance did not count")
	}
}
