// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"fmt"
	"testing"

	routev1 "github.com/openshift/api/route/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestRouteExposure runs where OpenShift's Route API is at first absent (plain Kubernetes) and
// then appears (its CRD installed while the operator runs):
//   - without the API, a requested Route is reported (Exposed=False) and everything else works;
//   - once the API appears, the Route is created, watched, and its admission or rejection by the
//     router shows in status; removing spec.expose.route removes the Route.
func TestRouteExposure(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	exposed := newServer(t, ns, "exposed", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Path = "/api/mcp"
		s.Spec.Expose = &mcpv1beta1.ExposeConfig{Route: &mcpv1beta1.RouteExposure{
			Host: "weather.apps.example.com", Path: "/api", Annotations: map[string]string{"haproxy.router.openshift.io/timeout": "1h"},
		}}
	})
	startMCPServerFor(t, exposed, mcptest.ServerOptions{Name: "exposed", Version: "1", Path: "/api/mcp"})

	// Plain Kubernetes: no Route API.
	got := waitForCondition(t, key(exposed), mcpv1beta1.ConditionExposed, metav1.ConditionFalse, mcpv1beta1.ReasonRouteAPIUnavailable)
	if c := condition(t, got, mcpv1beta1.ConditionAccepted); c.Status != metav1.ConditionTrue {
		t.Fatalf("a Route that cannot be made stopped the rest: Accepted %s %s", c.Status, c.Message)
	}
	waitForDeployment(t, key(exposed))
	makeAvailable(t, key(exposed))
	waitForCondition(t, key(exposed), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	// The Route API appears.
	installRouteCRD(t)
	route := &routev1.Route{}
	check.Eventually(t, timeout, "the Route", func() (bool, string) {
		err := k8s.Get(ctx, key(exposed), route)
		return err == nil, fmt.Sprint(err)
	})
	want := routev1.RouteSpec{
		Host: "weather.apps.example.com", Path: "/api",
		To:             routev1.RouteTargetReference{Kind: "Service", Name: "exposed", Weight: ptrInt32(100)},
		Port:           &routev1.RoutePort{TargetPort: intstr.FromString("mcp")},
		TLS:            &routev1.TLSConfig{Termination: routev1.TLSTerminationEdge, InsecureEdgeTerminationPolicy: routev1.InsecureEdgeTerminationPolicyRedirect},
		WildcardPolicy: routev1.WildcardPolicyNone,
	}
	if route.Spec.Host != want.Host || route.Spec.Path != want.Path || route.Spec.To.Name != want.To.Name ||
		route.Spec.Port.TargetPort != want.Port.TargetPort || *route.Spec.TLS != *want.TLS {
		t.Errorf("Route spec %+v, want %+v", route.Spec, want)
	}
	if route.Annotations["haproxy.router.openshift.io/timeout"] != "1h" {
		t.Errorf("Route annotations %v", route.Annotations)
	}
	if ref := metav1.GetControllerOf(route); ref == nil || ref.Kind != "MCPServer" || ref.Name != "exposed" {
		t.Errorf("Route controller %+v", ref)
	}
	waitForCondition(t, key(exposed), mcpv1beta1.ConditionExposed, metav1.ConditionUnknown, mcpv1beta1.ReasonRoutePending)

	// The router admits it.
	setRouteIngress(t, route, corev1.ConditionTrue, "", "")
	got = waitForCondition(t, key(exposed), mcpv1beta1.ConditionExposed, metav1.ConditionTrue, mcpv1beta1.ReasonRouteAdmitted)
	if url := got.Status.Address.ExternalURL; url != "https://weather.apps.example.com/api/mcp" {
		t.Errorf("externalURL %q", url)
	}

	// A second server asks for the same host; the router rejects its Route.
	rival := newServer(t, ns, "rival", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Expose = &mcpv1beta1.ExposeConfig{Route: &mcpv1beta1.RouteExposure{Host: "weather.apps.example.com"}}
	})
	rivalRoute := &routev1.Route{}
	check.Eventually(t, timeout, "the rival's Route", func() (bool, string) {
		return k8s.Get(ctx, key(rival), rivalRoute) == nil, ""
	})
	setRouteIngress(t, rivalRoute, corev1.ConditionFalse, "HostAlreadyClaimed", "route exposed already exposes weather.apps.example.com")
	got = waitForCondition(t, key(rival), mcpv1beta1.ConditionExposed, metav1.ConditionFalse, mcpv1beta1.ReasonRouteRejected)
	if msg := condition(t, got, mcpv1beta1.ConditionExposed).Message; msg != "router default rejected the Route: HostAlreadyClaimed: route exposed already exposes weather.apps.example.com" {
		t.Errorf("Exposed message %q", msg)
	}

	// No longer exposed: the Route goes, and so do the condition and the external URL.
	patch := client.MergeFrom(getServer(t, key(exposed)))
	latest := getServer(t, key(exposed))
	latest.Spec.Expose = nil
	if err := k8s.Patch(ctx, latest, patch); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "the Route pruned", func() (bool, string) {
		return apierrors.IsNotFound(k8s.Get(ctx, key(exposed), &routev1.Route{})), ""
	})
	check.Eventually(t, timeout, "Exposed and the external URL gone", func() (bool, string) {
		s := getServer(t, key(exposed))
		return meta.FindStatusCondition(s.Status.Conditions, mcpv1beta1.ConditionExposed) == nil && (s.Status.Address == nil || s.Status.Address.ExternalURL == ""),
			fmt.Sprintf("%+v %+v", s.Status.Address, s.Status.Conditions)
	})
	requireExists(t, &appsv1.Deployment{}, exposed)
}

// installRouteCRD installs OpenShift's Route CRD into the running API server and waits until
// it serves Routes.
func installRouteCRD(t *testing.T) {
	t.Helper()
	path, err := testenv.RouteCRDPath()
	if err != nil {
		t.Fatal(err)
	}
	installCRDs(t, path)
}

// installCRDs creates the CRDs of the files, as an admin installing an API while the operator
// runs, and waits until they are established.
func installCRDs(t *testing.T, paths ...string) {
	t.Helper()
	for _, path := range paths {
		for _, obj := range check.ReadManifests(t, path) {
			if err := k8s.Create(context.Background(), obj); err != nil && !apierrors.IsAlreadyExists(err) {
				t.Fatal(err)
			}
			crd := &apiextensionsv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: obj.GetName()}}
			check.Eventually(t, timeout, crd.Name+" established", func() (bool, string) {
				if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(crd), crd); err != nil {
					return false, err.Error()
				}
				for _, c := range crd.Status.Conditions {
					if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
						return true, ""
					}
				}
				return false, "not established"
			})
		}
	}
}

// setRouteIngress plays the router: it admits or rejects the Route.
func setRouteIngress(t *testing.T, route *routev1.Route, admitted corev1.ConditionStatus, reason, message string) {
	t.Helper()
	check.Eventually(t, timeout, "the Route's status written", func() (bool, string) {
		current := &routev1.Route{}
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(route), current); err != nil {
			return false, err.Error()
		}
		now := metav1.Now()
		current.Status.Ingress = []routev1.RouteIngress{{
			Host: current.Spec.Host, RouterName: "default", WildcardPolicy: routev1.WildcardPolicyNone,
			Conditions: []routev1.RouteIngressCondition{{Type: routev1.RouteAdmitted, Status: admitted, Reason: reason, Message: message, LastTransitionTime: &now}},
		}}
		err := k8s.Status().Update(context.Background(), current)
		return err == nil, fmt.Sprint(err)
	})
}

func ptrInt32(v int32) *int32 { return &v }
