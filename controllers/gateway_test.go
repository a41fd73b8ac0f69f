// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestGatewayHTTPRoute runs an upstream v1beta1 manifest with spec.gateway (provider
// httproute) where the Gateway API is at first absent and then appears:
//   - without it, GatewayRegistered says so and the server is not Available (as upstream);
//   - once it appears, the HTTPRoute is rendered from the ConfigMap's Gateway to the Service on
//     the MCP path; when the Gateway accepts it, the server is registered, verified, and its
//     address is the Gateway's (https: the listener serves HTTPS);
//   - v1alpha1 readers see Ready follow the same rules, and spec.gateway survives their writes.
func TestGatewayHTTPRoute(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	config := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "gateway-config", Namespace: ns},
		Data: map[string]string{"gateway-name": "public", "gateway-namespace": ns, "hostname": "mcp.example.com"}}
	if err := k8s.Create(ctx, config); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, ns, "routed", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Path = "/api/mcp"
		s.Spec.Gateway = &mcpv1beta1.GatewayConfig{Provider: "httproute", ConfigRef: "gateway-config"}
	})
	startMCPServerFor(t, s, mcptest.ServerOptions{Name: "routed", Version: "1", Path: "/api/mcp"})

	// No Gateway API.
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionGatewayRegistered, metav1.ConditionFalse, mcpv1beta1.ReasonGatewayAPIUnavailable)
	if c := condition(t, got, mcpv1beta1.ConditionAccepted); c.Status != metav1.ConditionTrue {
		t.Fatalf("Accepted %s: %s", c.Status, c.Message)
	}
	if b := got.Status.GatewayBinding; b == nil || b.Name != "routed" || b.Provider != "httproute" {
		t.Errorf("gatewayBinding %+v", b)
	}
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	waitForCondition(t, key(s), mcpv1beta1.ConditionAvailable, metav1.ConditionFalse, mcpv1beta1.ReasonGatewayNotRegistered)
	waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1beta1.ReasonGatewayNotRegistered)

	// The Gateway API appears, and a Gateway with an HTTPS listener.
	installGatewayCRDs(t)
	gateway := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Name: "public", Namespace: ns},
		Spec: gatewayv1.GatewaySpec{GatewayClassName: "example", Listeners: []gatewayv1.Listener{
			{Name: "https", Protocol: gatewayv1.HTTPSProtocolType, Port: 443,
				TLS: &gatewayv1.ListenerTLSConfig{CertificateRefs: []gatewayv1.SecretObjectReference{{Name: "cert"}}}}}}}
	if err := k8s.Create(ctx, gateway); err != nil {
		t.Fatal(err)
	}
	route := &gatewayv1.HTTPRoute{}
	check.Eventually(t, timeout, "the HTTPRoute", func() (bool, string) {
		err := k8s.Get(ctx, key(s), route)
		return err == nil, fmt.Sprint(err)
	})
	want := gatewayv1.HTTPRouteSpec{
		CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{
			Group: ptr.To(gatewayv1.Group("gateway.networking.k8s.io")), Kind: ptr.To(gatewayv1.Kind("Gateway")),
			Namespace: ptr.To(gatewayv1.Namespace(ns)), Name: "public"}}},
		Hostnames: []gatewayv1.Hostname{"mcp.example.com"},
		Rules: []gatewayv1.HTTPRouteRule{{
			Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{Type: ptr.To(gatewayv1.PathMatchPathPrefix), Value: ptr.To("/api/mcp")}}},
			BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{
				Group: ptr.To(gatewayv1.Group("")), Kind: ptr.To(gatewayv1.Kind("Service")), Name: "routed", Port: ptr.To(gatewayv1.PortNumber(8080))},
				Weight: ptr.To[int32](1)}}},
		}},
	}
	if diff := cmp.Diff(want.ParentRefs, route.Spec.ParentRefs); diff != "" {
		t.Errorf("parentRefs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.Hostnames, route.Spec.Hostnames); diff != "" {
		t.Errorf("hostnames (-want +got):\n%s", diff)
	}
	if len(route.Spec.Rules) != 1 || len(route.Spec.Rules[0].Matches) != 1 || *route.Spec.Rules[0].Matches[0].Path.Value != "/api/mcp" ||
		len(route.Spec.Rules[0].BackendRefs) != 1 || route.Spec.Rules[0].BackendRefs[0].Name != "routed" || *route.Spec.Rules[0].BackendRefs[0].Port != 8080 {
		t.Errorf("rules %+v, want PathPrefix /api/mcp to Service routed:8080", route.Spec.Rules)
	}
	if owner := metav1.GetControllerOf(route); owner == nil || owner.Name != "routed" || owner.Kind != "MCPServer" {
		t.Errorf("the HTTPRoute's controller %+v", owner)
	}
	waitForCondition(t, key(s), mcpv1beta1.ConditionGatewayRegistered, metav1.ConditionFalse, mcpv1beta1.ReasonGatewayPending)

	// The Gateway refuses, then accepts the route.
	setRouteParentStatus(t, route, ns, metav1.ConditionFalse, "NotAllowedByListeners", "no listener allows this route")
	check.Eventually(t, timeout, "GatewayRegistered to say why the Gateway refused", func() (bool, string) {
		c := meta.FindStatusCondition(getServer(t, key(s)).Status.Conditions, mcpv1beta1.ConditionGatewayRegistered)
		return c != nil && c.Status == metav1.ConditionFalse && strings.Contains(c.Message, "NotAllowedByListeners: no listener allows this route"), fmt.Sprintf("%+v", c)
	})
	setRouteParentStatus(t, route, ns, metav1.ConditionTrue, "Accepted", "")
	waitForCondition(t, key(s), mcpv1beta1.ConditionGatewayRegistered, metav1.ConditionTrue, mcpv1beta1.ReasonGatewayRegistered)
	got = waitForCondition(t, key(s), mcpv1beta1.ConditionVerified, metav1.ConditionTrue, mcpv1beta1.ReasonVerified)
	if got.Status.Address == nil || got.Status.Address.URL != "https://mcp.example.com/api/mcp" {
		t.Errorf("address %+v, want the Gateway's https://mcp.example.com/api/mcp", got.Status.Address)
	}
	if got.Status.Phase != mcpv1beta1.PhaseAvailable {
		t.Errorf("phase %q", got.Status.Phase)
	}
	waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	// A v1alpha1 client edits the server: the gateway stays.
	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		old := &mcpv1alpha1.MCPServer{}
		if err := k8s.Get(ctx, key(s), old); err != nil {
			return err
		}
		old.Spec.ExtraLabels = map[string]string{"team": "a"}
		return k8s.Update(ctx, old)
	}); err != nil {
		t.Fatal(err)
	}
	if after := getServer(t, key(s)); after.Spec.Gateway == nil || after.Spec.Gateway.Provider != "httproute" {
		t.Fatalf("spec.gateway after a v1alpha1 update: %+v", after.Spec.Gateway)
	}

	// spec.gateway removed: the HTTPRoute goes, and so do the condition and the binding.
	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current := getServer(t, key(s))
		current.Spec.Gateway = nil
		return k8s.Update(ctx, current)
	}); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "the HTTPRoute removed", func() (bool, string) {
		err := k8s.Get(ctx, key(s), &gatewayv1.HTTPRoute{})
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
	check.Eventually(t, timeout, "GatewayRegistered and gatewayBinding gone", func() (bool, string) {
		s := getServer(t, key(s))
		return meta.FindStatusCondition(s.Status.Conditions, mcpv1beta1.ConditionGatewayRegistered) == nil && s.Status.GatewayBinding == nil,
			fmt.Sprintf("%+v", s.Status.GatewayBinding)
	})
}

// TestGatewayProblemsAreNotIgnored: a provider the operator does not implement, a missing
// configRef and a missing ConfigMap are each refused in Accepted, naming the field.
func TestGatewayProblemsAreNotIgnored(t *testing.T) {
	ns := newNamespace(t)
	for name, c := range map[string]struct {
		gateway mcpv1beta1.GatewayConfig
		want    string
	}{
		"kuadrant":  {mcpv1beta1.GatewayConfig{Provider: "kuadrant", ConfigRef: "cfg"}, `spec.gateway.provider "kuadrant" is not supported`},
		"no-config": {mcpv1beta1.GatewayConfig{Provider: "httproute"}, "spec.gateway.configRef is required by the httproute provider"},
		"missing":   {mcpv1beta1.GatewayConfig{Provider: "httproute", ConfigRef: "absent"}, `ConfigMap "absent" not found (referenced by spec.gateway.configRef)`},
	} {
		s := newServer(t, ns, name, func(s *mcpv1beta1.MCPServer) { s.Spec.Gateway = &c.gateway })
		got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
		if msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message; !strings.Contains(msg, c.want) {
			t.Errorf("%s: Accepted says %q, want %q", name, msg, c.want)
		}
	}
}

func installGatewayCRDs(t *testing.T) {
	t.Helper()
	paths, err := testenv.GatewayCRDPaths()
	if err != nil {
		t.Fatal(err)
	}
	installCRDs(t, paths...)
}

// setRouteParentStatus plays the Gateway controller: it accepts or refuses the route.
func setRouteParentStatus(t *testing.T, route *gatewayv1.HTTPRoute, ns string, accepted metav1.ConditionStatus, reason, message string) {
	t.Helper()
	check.Eventually(t, timeout, "the HTTPRoute's status written", func() (bool, string) {
		current := &gatewayv1.HTTPRoute{}
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(route), current); err != nil {
			return false, err.Error()
		}
		current.Status.Parents = []gatewayv1.RouteParentStatus{{
			ParentRef:      gatewayv1.ParentReference{Name: "public", Namespace: ptr.To(gatewayv1.Namespace(ns))},
			ControllerName: "example.com/gateway-controller",
			Conditions: []metav1.Condition{{Type: "Accepted", Status: accepted, Reason: reason, Message: message,
				ObservedGeneration: current.Generation, LastTransitionTime: metav1.Now()}},
		}}
		err := k8s.Status().Update(context.Background(), current)
		return err == nil, fmt.Sprint(err)
	})
}
