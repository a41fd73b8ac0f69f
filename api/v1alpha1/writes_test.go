// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1alpha1_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// gatewayServer creates, through v1beta1, a server with what only v1beta1 holds: spec.gateway,
// status.gatewayBinding and the Available and Verified conditions.
func gatewayServer(t *testing.T, name string) *mcpv1beta1.MCPServer {
	t.Helper()
	ctx := context.Background()
	s := &mcpv1beta1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: mcpv1beta1.MCPServerSpec{
			Source:  mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/a/b:1"}},
			Config:  mcpv1beta1.ServerConfig{Port: 8080},
			Gateway: &mcpv1beta1.GatewayConfig{Provider: "httproute", ConfigRef: "gateway-config"},
		},
	}
	if err := env.Client.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), s) })
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	s.Status = mcpv1beta1.MCPServerStatus{
		ObservedGeneration: s.Generation, Phase: mcpv1beta1.PhaseAvailable,
		Address:        &mcpv1beta1.MCPServerAddress{URL: "http://" + name + ".default.svc.cluster.local:8080/mcp"},
		GatewayBinding: &mcpv1beta1.GatewayBindingReference{Name: name, Provider: "httproute"},
		Conditions: []metav1.Condition{
			{Type: "Accepted", Status: metav1.ConditionTrue, Reason: "Valid", Message: "ok", ObservedGeneration: s.Generation, LastTransitionTime: now},
			{Type: "Available", Status: metav1.ConditionTrue, Reason: "Available", Message: "1 of 1 replicas available", ObservedGeneration: s.Generation, LastTransitionTime: now},
			{Type: "Verified", Status: metav1.ConditionTrue, Reason: "AuthenticationRequired", Message: "401", ObservedGeneration: s.Generation, LastTransitionTime: now},
			{Type: "GatewayRegistered", Status: metav1.ConditionTrue, Reason: "GatewayRegistered", Message: "routed", ObservedGeneration: s.Generation, LastTransitionTime: now},
		},
	}
	if err := env.Client.Status().Update(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s
}

func stored(t *testing.T, name string) *mcpv1beta1.MCPServer {
	t.Helper()
	s := &mcpv1beta1.MCPServer{}
	if err := env.Client.Get(context.Background(), types.NamespacedName{Namespace: "default", Name: name}, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// keptAcross checks that a write through v1alpha1 changed the port and nothing that only
// v1beta1 holds.
func keptAcross(t *testing.T, before *mcpv1beta1.MCPServer, write string) {
	t.Helper()
	after := stored(t, before.Name)
	if after.Spec.Config.Port != 9090 {
		t.Errorf("%s: port %d, want the write's 9090", write, after.Spec.Config.Port)
	}
	if diff := cmp.Diff(before.Spec.Gateway, after.Spec.Gateway); diff != "" {
		t.Errorf("%s through v1alpha1 changed spec.gateway (-before +after):\n%s", write, diff)
	}
	if diff := cmp.Diff(before.Status, after.Status); diff != "" {
		t.Errorf("%s through v1alpha1 changed the status (-before +after):\n%s", write, diff)
	}
	if _, found := after.Annotations[mcpv1alpha1.KeptFieldsAnnotation]; found {
		t.Errorf("%s: the stored object carries %s", write, mcpv1alpha1.KeptFieldsAnnotation)
	}
}

// TestV1alpha1ReadsWhatUpstreamShows: through v1alpha1, Ready is derived from Available and
// Verified, phase and address are as stored, and spec.gateway has no field.
func TestV1alpha1ReadsWhatUpstreamShows(t *testing.T) {
	gatewayServer(t, "read-through-v1alpha1")
	old := &mcpv1alpha1.MCPServer{}
	if err := env.Client.Get(context.Background(), types.NamespacedName{Namespace: "default", Name: "read-through-v1alpha1"}, old); err != nil {
		t.Fatal(err)
	}
	ready := meta.FindStatusCondition(old.Status.Conditions, mcpv1alpha1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue || ready.Reason != "Available" || ready.Message != "1 of 1 replicas available" {
		t.Errorf("Ready %+v, want True/Available with Available's message", ready)
	}
	for _, gone := range []string{"Available", "Verified"} {
		if meta.FindStatusCondition(old.Status.Conditions, gone) != nil {
			t.Errorf("v1alpha1 shows v1beta1's %s condition", gone)
		}
	}
	if meta.FindStatusCondition(old.Status.Conditions, "GatewayRegistered") == nil {
		t.Error("other conditions do not pass through")
	}
	if old.Status.Phase != "Available" || old.Status.Address == nil {
		t.Errorf("phase %q address %+v", old.Status.Phase, old.Status.Address)
	}
	if old.Annotations[mcpv1alpha1.KeptFieldsAnnotation] == "" {
		t.Error("the v1alpha1 view does not keep spec.gateway")
	}
}

func TestV1alpha1UpdateKeepsV1beta1Fields(t *testing.T) {
	before := gatewayServer(t, "update-through-v1alpha1")
	old := &mcpv1alpha1.MCPServer{}
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(before), old); err != nil {
		t.Fatal(err)
	}
	old.Spec.Config.Port = 9090
	if err := env.Client.Update(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	keptAcross(t, before, "an update")
}

func TestV1alpha1MergePatchKeepsV1beta1Fields(t *testing.T) {
	before := gatewayServer(t, "patch-through-v1alpha1")
	patch := &unstructured.Unstructured{}
	patch.SetGroupVersionKind(mcpv1alpha1.GroupVersion.WithKind("MCPServer"))
	patch.SetNamespace("default")
	patch.SetName(before.Name)
	// As the OpenShift AI dashboard edits a server: annotations, spec.config and runtime.
	raw := client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"annotations":{"mcp.opendatahub.io/display-name":"Renamed"}},"spec":{"config":{"port":9090},"runtime":null}}`))
	if err := env.Client.Patch(context.Background(), patch, raw); err != nil {
		t.Fatal(err)
	}
	keptAcross(t, before, "a merge patch")
}

func TestV1alpha1ApplyKeepsV1beta1Fields(t *testing.T) {
	before := gatewayServer(t, "apply-through-v1alpha1")
	apply := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "mcp.x-k8s.io/v1alpha1", "kind": "MCPServer",
		"metadata": map[string]any{"name": before.Name, "namespace": "default"},
		"spec": map[string]any{
			"source": map[string]any{"type": "ContainerImage", "containerImage": map[string]any{"ref": "quay.io/a/b:1"}},
			"config": map[string]any{"port": int64(9090)},
		},
	}}
	if err := env.Client.Apply(context.Background(), client.ApplyConfigurationFromUnstructured(apply), client.FieldOwner("v1alpha1-applier"), client.ForceOwnership); err != nil {
		t.Fatal(err)
	}
	keptAcross(t, before, "an apply")
}
