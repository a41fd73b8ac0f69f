// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/references"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

// HTTPRouteProvider is spec.gateway's provider that the operator implements: an HTTPRoute of
// the Gateway API from the Gateway the ConfigMap names to the server's Service.
const HTTPRouteProvider = "httproute"

// The gateway route is rendered by the chart like the server's other objects, and read back to
// report GatewayRegistered and the public address.
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=httproutes,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=gateways,verbs=get

func wantsGateway(server *mcpv1beta1.MCPServer) bool {
	return server.Spec.Gateway != nil
}

// gatewayProblems: what of spec.gateway the operator cannot do. The schema takes any provider
// (upstream's providers are plugins); the operator says which it does not implement instead of
// ignoring it.
func gatewayProblems(server *mcpv1beta1.MCPServer) []string {
	g := server.Spec.Gateway
	switch {
	case g == nil:
		return nil
	case g.Provider != HTTPRouteProvider:
		return []string{fmt.Sprintf("spec.gateway.provider %q is not supported: this operator implements the %s provider "+
			"(a Gateway API HTTPRoute)", g.Provider, HTTPRouteProvider)}
	case g.ConfigRef == "":
		return []string{fmt.Sprintf("spec.gateway.configRef is required by the %s provider: name a ConfigMap with the key %s "+
			"(and optionally %s and %s)", HTTPRouteProvider, references.GatewayNameKey, references.GatewayNamespaceKey, references.GatewayHostnameKey)}
	}
	return nil
}

// gatewayTarget is where the HTTPRoute attaches, from the ConfigMap; nil without one.
func gatewayTarget(server *mcpv1beta1.MCPServer, config *gatewayConfig) *render.Gateway {
	if !wantsGateway(server) || config == nil {
		return nil
	}
	g := &render.Gateway{Name: config.settings[references.GatewayNameKey], Namespace: config.settings[references.GatewayNamespaceKey],
		Hostname: config.settings[references.GatewayHostnameKey]}
	if g.Namespace == "" {
		g.Namespace = server.Namespace
	}
	return g
}

// gatewayObservation is what the spec alone says of the gateway: before anything is read.
func gatewayObservation(server *mcpv1beta1.MCPServer) status.Gateway {
	g := status.Gateway{Wanted: wantsGateway(server), Name: server.Name, Path: endpointPath(server)}
	if g.Wanted {
		g.Provider = server.Spec.Gateway.Provider
	}
	return g
}

// readGateway reads the server's HTTPRoute and its Gateway, for GatewayRegistered and the
// public address.
func (r *MCPServerReconciler) readGateway(ctx context.Context, server *mcpv1beta1.MCPServer, httpRoutes bool, target *render.Gateway) (status.Gateway, error) {
	g := gatewayObservation(server)
	g.APIAvailable = httpRoutes
	if !g.Wanted || !httpRoutes || target == nil {
		return g, nil
	}
	g.Parent, g.Hostname = target.Namespace+"/"+target.Name, target.Hostname
	route := &gatewayv1.HTTPRoute{}
	owned, err := r.ownedObject(ctx, server, route)
	if err != nil {
		return g, err
	}
	if owned {
		g.Route = route
	}
	gateway := &gatewayv1.Gateway{}
	if err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: target.Namespace, Name: target.Name}, gateway); err == nil {
		g.ParentGateway = gateway
	} else if !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
		return g, err
	}
	return g, nil
}
