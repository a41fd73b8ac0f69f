// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// Gateway is what the reconciler found about spec.gateway's route.
type Gateway struct {
	// Wanted: spec.gateway is set; Provider is its provider.
	Wanted   bool
	Provider string
	// Name is the binding's (the HTTPRoute's) name.
	Name string
	// APIAvailable: the cluster serves the Gateway API's HTTPRoute.
	APIAvailable bool
	// Parent is the Gateway the route attaches to, as namespace/name.
	Parent string
	// Hostname is the route's host name, when its ConfigMap sets one.
	Hostname string
	// Route is the server's HTTPRoute, once it exists.
	Route *gatewayv1.HTTPRoute
	// ParentGateway is the Gateway, when it could be read: its listeners say the URL's scheme
	// and its addresses the host when Hostname is empty.
	ParentGateway *gatewayv1.Gateway
	// Path is the MCP endpoint's path.
	Path string
}

// registration is the GatewayRegistered verdict and the public URL it gives.
type registration struct {
	status  metav1.ConditionStatus
	reason  string
	message string
	url     string
}

// register decides GatewayRegistered, as upstream's binding reports it.
func (g Gateway) register(accepted bool) registration {
	switch {
	case !accepted:
		return registration{metav1.ConditionFalse, mcpv1beta1.ReasonGatewayPending, "nothing is routed until the spec is accepted", ""}
	case !g.APIAvailable:
		return registration{metav1.ConditionFalse, mcpv1beta1.ReasonGatewayAPIUnavailable,
			"this cluster does not serve the Gateway API's HTTPRoute (gateway.networking.k8s.io/v1), so spec.gateway cannot be honoured; " +
				"install the Gateway API and a Gateway controller", ""}
	case g.Route == nil:
		return registration{metav1.ConditionFalse, mcpv1beta1.ReasonGatewayPending, "creating the HTTPRoute", ""}
	}
	accepted, message := routeAccepted(g.Route, g.Parent)
	if !accepted {
		if message == "" {
			message = fmt.Sprintf("waiting for Gateway %s to accept HTTPRoute %s (provider %s)", g.Parent, g.Route.Name, g.Provider)
		}
		return registration{metav1.ConditionFalse, mcpv1beta1.ReasonGatewayPending, message, ""}
	}
	url := g.url()
	message = fmt.Sprintf("Gateway integration is active: Gateway %s accepted HTTPRoute %s", g.Parent, g.Route.Name)
	if url != "" {
		message += "; " + url
	}
	return registration{metav1.ConditionTrue, mcpv1beta1.ReasonGatewayRegistered, message, url}
}

// routeAccepted reads the route's status for its Gateway: Accepted, on the route's current
// generation, and otherwise what the Gateway said.
func routeAccepted(route *gatewayv1.HTTPRoute, parent string) (bool, string) {
	for _, p := range route.Status.Parents {
		ns := route.Namespace
		if p.ParentRef.Namespace != nil {
			ns = string(*p.ParentRef.Namespace)
		}
		if ns+"/"+string(p.ParentRef.Name) != parent {
			continue
		}
		c := meta.FindStatusCondition(p.Conditions, string(gatewayv1.RouteConditionAccepted))
		switch {
		case c == nil || c.ObservedGeneration != route.Generation:
			return false, ""
		case c.Status == metav1.ConditionTrue:
			return true, ""
		default:
			return false, fmt.Sprintf("Gateway %s did not accept HTTPRoute %s: %s: %s", parent, route.Name, c.Reason, oneLine(c.Message))
		}
	}
	return false, ""
}

// url is the public MCP endpoint through the Gateway: https when a listener serves HTTPS, at
// the route's host name or else the Gateway's first address; "" when neither is known.
func (g Gateway) url() string {
	host := g.Hostname
	scheme := "http"
	if gw := g.ParentGateway; gw != nil {
		for _, l := range gw.Spec.Listeners {
			if l.Protocol == gatewayv1.HTTPSProtocolType {
				scheme = "https"
			}
		}
		if host == "" && len(gw.Status.Addresses) > 0 {
			host = gw.Status.Addresses[0].Value
		}
	}
	if host == "" {
		return ""
	}
	return scheme + "://" + host + g.Path
}

// gatewayRegistered sets GatewayRegistered and status.gatewayBinding, or removes both when no
// gateway is wanted, and returns the registration.
func gatewayRegistered(s *mcpv1beta1.MCPServerStatus, g Gateway, accepted bool, generation int64, now metav1.Time) registration {
	if !g.Wanted {
		meta.RemoveStatusCondition(&s.Conditions, mcpv1beta1.ConditionGatewayRegistered)
		s.GatewayBinding = nil
		return registration{status: metav1.ConditionTrue}
	}
	s.GatewayBinding = &mcpv1beta1.GatewayBindingReference{Name: g.Name, Provider: g.Provider}
	r := g.register(accepted)
	setCondition(s, mcpv1beta1.ConditionGatewayRegistered, r.status, r.reason, r.message, generation, now)
	return r
}

// PublishedAddress is the address status publishes for a verified server: the Gateway's URL
// once the route is registered and its host known, else the cluster-internal one.
func (o Observation) PublishedAddress() string {
	if o.Gateway.Wanted {
		if r := o.Gateway.register(len(o.Problems) == 0); r.status == metav1.ConditionTrue && r.url != "" {
			return r.url
		}
	}
	return o.Address
}
