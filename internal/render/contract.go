// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render

import (
	routev1 "github.com/openshift/api/route/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/platform"
)

// The contract between the chart (helm-charts/mcp-server) and the operator, declared once.
// Everything that depends on what the chart renders derives from here: the renderer's scheme
// and its refusal of other kinds, the operator's cache filters, watches and pruning, and the
// RBAC allow-list test.

// SelectorLabel is the label the chart sets on every object it renders (and on the pods),
// valued with the MCPServer's name: it selects the server's pods and filters the cache.
const SelectorLabel = "mcp-server"

// MCPPortName names the container port the chart serves MCP on (spec.config.port) and the
// Service targets: a pod's own MCP port, which the per-pod handshake dials.
const MCPPortName = "mcp"

// ConfigHashAnnotation is the pod template annotation the chart sets to the digest of the
// referenced ConfigMaps and Secrets, so that a change to them rolls the pods.
const ConfigHashAnnotation = "mcp.x-k8s.io/config-hash"

// ManagedKind is one kind of object the chart renders and the operator applies, watches and
// prunes.
type ManagedKind struct {
	GVK schema.GroupVersionKind
	// Resource is the kind's API resource, as RBAC names it.
	Resource string
	// New returns an empty object of the kind.
	New func() client.Object
	// AddToScheme registers the kind's API group.
	AddToScheme func(*runtime.Scheme) error
	// Needs, when set, is the optional API the kind belongs to: it is rendered, watched and
	// pruned only where the cluster serves it.
	Needs *platform.API
}

// NeedsAPI says whether the kind belongs to an optional API missing from apis.
func (k ManagedKind) NeedsAPI(apis platform.APIs) bool {
	return k.Needs != nil && !apis.Has(*k.Needs)
}

func optional(api platform.API) *platform.API { return &api }

// Managed are the kinds the chart may render. Anything else in its output is an error: the
// operator has neither the permissions nor the watches for other kinds, and admin values must
// not smuggle in arbitrary objects.
var Managed = []ManagedKind{
	{GVK: appsv1.SchemeGroupVersion.WithKind("Deployment"), Resource: "deployments",
		New: func() client.Object { return &appsv1.Deployment{} }, AddToScheme: appsv1.AddToScheme},
	{GVK: corev1.SchemeGroupVersion.WithKind("Service"), Resource: "services",
		New: func() client.Object { return &corev1.Service{} }, AddToScheme: corev1.AddToScheme},
	{GVK: networkingv1.SchemeGroupVersion.WithKind("NetworkPolicy"), Resource: "networkpolicies",
		New: func() client.Object { return &networkingv1.NetworkPolicy{} }, AddToScheme: networkingv1.AddToScheme},
	{GVK: routev1.GroupVersion.WithKind("Route"), Resource: "routes",
		New: func() client.Object { return &routev1.Route{} }, AddToScheme: routev1.AddToScheme, Needs: optional(platform.RouteAPI)},
	{GVK: gatewayv1.SchemeGroupVersion.WithKind("HTTPRoute"), Resource: "httproutes",
		New: func() client.Object { return &gatewayv1.HTTPRoute{} }, AddToScheme: gatewayv1.Install, Needs: optional(platform.HTTPRouteAPI)},
}

// ManagedObjects returns an empty object of each managed kind the cluster can hold: those of
// optional APIs only where it serves them.
func ManagedObjects(apis platform.APIs) []client.Object {
	var objs []client.Object
	for _, k := range Managed {
		if !k.NeedsAPI(apis) {
			objs = append(objs, k.New())
		}
	}
	return objs
}

// isManaged reports whether the chart may render a kind.
func isManaged(gvk schema.GroupVersionKind) bool {
	for _, k := range Managed {
		if k.GVK == gvk {
			return true
		}
	}
	return false
}

// managedScheme knows the managed kinds, and only them.
func managedScheme() (*runtime.Scheme, error) {
	scheme := runtime.NewScheme()
	for _, k := range Managed {
		if err := k.AddToScheme(scheme); err != nil {
			return nil, err
		}
	}
	return scheme, nil
}

// NewChartRenderer returns the renderer of the chart embedded in the binary.
func NewChartRenderer() (*Renderer, error) {
	return NewRenderer(helmcharts.MCPServer, helmcharts.MCPServerDir)
}

// ControlledBy reports whether obj is one of server's objects: its controller owner reference
// names the server's UID. The operator changes and prunes only such objects.
func ControlledBy(obj client.Object, server *mcpv1beta1.MCPServer) bool {
	ref := metav1.GetControllerOf(obj)
	return ref != nil && ref.UID == server.UID
}
