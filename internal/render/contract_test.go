// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render_test

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// TestTheChartKeepsTheContract: what the chart renders for a server that asks for everything
// is exactly the table's kinds, each labelled with the selector label valued with the server's
// name; the pods carry it too (the Deployment selects them by it), and the config hash is the
// pod template annotation the table names.
func TestTheChartKeepsTheContract(t *testing.T) {
	r, err := render.NewChartRenderer()
	if err != nil {
		t.Fatal(err)
	}
	s := customerServer()
	s.Spec.Expose = &mcpv1beta1.ExposeConfig{Route: &mcpv1beta1.RouteExposure{}}
	s.Spec.Gateway = &mcpv1beta1.GatewayConfig{Provider: "httproute", ConfigRef: "gateway"}
	objs, err := r.Render(render.Request{Server: s, ConfigHash: "abc", Gateway: &render.Gateway{Name: "gw", Namespace: "infra"},
		Capabilities: render.Capabilities(platform.APIs{Routes: true, HTTPRoutes: true})})
	if err != nil {
		t.Fatal(err)
	}
	rendered := map[string]bool{}
	for _, o := range objs {
		kind := o.GetObjectKind().GroupVersionKind()
		rendered[kind.String()] = true
		if got := o.GetLabels()[render.SelectorLabel]; got != s.Name {
			t.Errorf("%s: label %s=%q, want %q", kind.Kind, render.SelectorLabel, got, s.Name)
		}
		if d, ok := o.(*appsv1.Deployment); ok {
			if d.Spec.Selector.MatchLabels[render.SelectorLabel] != s.Name || d.Spec.Template.Labels[render.SelectorLabel] != s.Name {
				t.Errorf("the Deployment does not select its pods by %s: %+v", render.SelectorLabel, d.Spec.Selector)
			}
			if d.Spec.Template.Annotations[render.ConfigHashAnnotation] != "abc" {
				t.Errorf("the pod template's annotations %v lack %s", d.Spec.Template.Annotations, render.ConfigHashAnnotation)
			}
		}
	}
	for _, k := range render.Managed {
		if !rendered[k.GVK.String()] {
			t.Errorf("the table lists %s, which the chart never renders", k.GVK.Kind)
		}
	}
	if len(rendered) != len(render.Managed) {
		t.Errorf("rendered kinds %v, table %d kinds", rendered, len(render.Managed))
	}
	if got := len(render.ManagedObjects(platform.APIs{})); got != len(render.Managed)-2 {
		t.Errorf("without the Route and HTTPRoute APIs, %d managed kinds, want all but Routes and HTTPRoutes", got)
	}
}
