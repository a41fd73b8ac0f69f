// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render_test

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// BenchmarkRender renders the customer's example: what every changed MCPServer costs.
func BenchmarkRender(b *testing.B) {
	r := newRenderer(b)
	server := customerServer()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(render.Request{Server: server, ConfigHash: "sha256:abc"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderAndDiff is a reconcile of an unchanged MCPServer: render, build the apply
// configuration of every object, and find each one up to date, so nothing is written.
func BenchmarkRenderAndDiff(b *testing.B) {
	r := newRenderer(b)
	server := customerServer()
	scheme := testenv.Scheme()
	live := map[string]client.Object{}
	renderAndConfigure(b, r, server, scheme, func(obj client.Object, desired *unstructured.Unstructured) {
		// The live object as the cache holds it: what was applied, plus what the API server and
		// the Deployment controller add.
		existing := obj.DeepCopyObject().(client.Object)
		existing.SetAnnotations(desired.GetAnnotations())
		if d, ok := existing.(*appsv1.Deployment); ok {
			d.Status.AvailableReplicas = 1
		}
		live[desired.GetKind()] = existing
	})
	b.ReportAllocs()
	for b.Loop() {
		renderAndConfigure(b, r, server, scheme, func(_ client.Object, desired *unstructured.Unstructured) {
			if !render.UpToDate(desired, live[desired.GetKind()]) {
				b.Fatalf("%s is not up to date with itself", desired.GetKind())
			}
		})
	}
}

// renderAndConfigure renders the server and builds each object's apply configuration, as a
// reconcile does, and hands every pair to use.
func renderAndConfigure(b *testing.B, r *render.Renderer, server *mcpv1beta1.MCPServer, scheme *runtime.Scheme,
	use func(obj client.Object, desired *unstructured.Unstructured)) {
	objs, err := r.Render(render.Request{Server: server, ConfigHash: "sha256:abc"})
	if err != nil {
		b.Fatal(err)
	}
	for _, obj := range objs {
		gvk, err := apiutil.GVKForObject(obj, scheme)
		if err != nil {
			b.Fatal(err)
		}
		desired, err := render.ApplyConfiguration(obj, gvk)
		if err != nil {
			b.Fatal(err)
		}
		use(obj, desired)
	}
}
