// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1alpha1_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestCustomerExampleApplies applies the customer's manifest (ServiceAccount, ClusterRoleBinding,
// ConfigMap and MCPServer) exactly as published, and checks the MCPServer kept what it said.
func TestCustomerExampleApplies(t *testing.T) {
	ctx := context.Background()
	docs := check.ReadManifests(t, filepath.Join(testenv.RepoRoot(), "config", "samples", "openshift-mcp-server.yaml"))
	var server *unstructured.Unstructured
	for _, doc := range docs {
		if err := env.Client.Create(ctx, doc); err != nil {
			t.Fatalf("creating %s %s: %v", doc.GetKind(), doc.GetName(), err)
		}
		if doc.GetKind() == "MCPServer" {
			server = doc
		}
	}
	if server == nil {
		t.Fatal("the example has no MCPServer")
	}
	got := &mcpv1alpha1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(server), got); err != nil {
		t.Fatal(err)
	}
	want := mcpv1alpha1.MCPServerSpec{
		Source: mcpv1alpha1.Source{
			Type: mcpv1alpha1.SourceTypeContainerImage,
			ContainerImage: &mcpv1alpha1.ContainerImageSource{
				Ref: "quay.io/redhat-user-workloads/ocp-mcp-server-tenant/openshift-mcp-server-release-03:latest",
			},
		},
		Config: mcpv1alpha1.ServerConfig{
			Port:      8080,
			Path:      "/mcp",
			Arguments: []string{"--config", "/etc/mcp-config/config.toml"},
			Storage: []mcpv1alpha1.StorageMount{{
				Path:        "/etc/mcp-config",
				Permissions: mcpv1alpha1.MountPermissionsReadOnly,
				Source: mcpv1alpha1.StorageSource{
					Type: mcpv1alpha1.StorageTypeConfigMap,
					ConfigMap: &corev1.ConfigMapVolumeSource{
						LocalObjectReference: corev1.LocalObjectReference{Name: "openshift-mcp-server-config"},
					},
				},
			}},
		},
		Runtime: mcpv1alpha1.RuntimeConfig{
			Security: mcpv1alpha1.SecurityConfig{ServiceAccountName: "mcp-viewer"},
		},
	}
	if diff := cmp.Diff(want, got.Spec); diff != "" {
		t.Errorf("stored spec differs from the example (-want +got):\n%s", diff)
	}
}

// TestEveryFieldRoundTrip creates an MCPServer that sets every field and reads it back, both
// as raw JSON (the CRD schema must not prune anything) and through the Go types (they must not
// drop anything).
func TestEveryFieldRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join("testdata", "every-field.yaml")
	want := check.ReadManifests(t, path)[0]

	typed := &mcpv1alpha1.MCPServer{}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(raw, typed); err != nil {
		t.Fatalf("the Go types do not know every field of %s: %v", path, err)
	}
	if err := env.Client.Create(ctx, typed); err != nil {
		t.Fatalf("creating through the Go types: %v", err)
	}

	stored := &unstructured.Unstructured{}
	stored.SetGroupVersionKind(mcpv1alpha1.GroupVersion.WithKind("MCPServer"))
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(typed), stored); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Object["spec"], stored.Object["spec"]); diff != "" {
		t.Errorf("the API server changed the spec (-written +stored):\n%s", diff)
	}

	readBack := &mcpv1alpha1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(typed), readBack); err != nil {
		t.Fatal(err)
	}
	readSpec, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&readBack.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Object["spec"], any(readSpec)); diff != "" {
		t.Errorf("the Go types changed the spec (-written +read):\n%s", diff)
	}
}

// TestStatusRoundTrip writes every status field through the status subresource and reads it back.
func TestStatusRoundTrip(t *testing.T) {
	ctx := context.Background()
	server := &mcpv1alpha1.MCPServer{}
	server.Name, server.Namespace = "status-round-trip", "default"
	server.Spec.Source = mcpv1alpha1.Source{
		Type:           mcpv1alpha1.SourceTypeContainerImage,
		ContainerImage: &mcpv1alpha1.ContainerImageSource{Ref: "quay.io/example/mcp-server:1.0.0"},
	}
	server.Spec.Config.Port = 8080
	if err := env.Client.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	now := metav1.Now().Rfc3339Copy()
	status := mcpv1alpha1.MCPServerStatus{
		ObservedGeneration: 1,
		DeploymentName:     "status-round-trip",
		ServiceName:        "status-round-trip",
		Address: &mcpv1alpha1.MCPServerAddress{URL: "http://status-round-trip.default.svc.cluster.local:8080/mcp",
			ExternalURL: "https://status-round-trip.apps.example.com/mcp"},
		ServerInfo: &mcpv1alpha1.MCPServerInfo{
			Name: "example", Version: "1.0.0", ProtocolVersion: "2025-06-18", Instructions: "Use the tools.",
			Capabilities: &mcpv1alpha1.MCPServerCapabilities{Tools: true, Resources: true, Prompts: true, Logging: true, Completions: true},
		},
		HandshakeRetryCount: 2,
		Replicas:            1,
		ReadyReplicas:       1,
		Tools:               &mcpv1alpha1.MCPServerTools{Count: 2, Names: []string{"a", "b"}, Digest: "sha256:00", Truncated: true},
		Conditions: []metav1.Condition{
			{Type: mcpv1alpha1.ConditionAccepted, Status: metav1.ConditionTrue, Reason: mcpv1alpha1.ReasonValid, Message: "ok", ObservedGeneration: 1, LastTransitionTime: now},
			{Type: mcpv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: mcpv1alpha1.ReasonAvailable, Message: "ok", ObservedGeneration: 1, LastTransitionTime: now},
			{Type: mcpv1alpha1.ConditionExposed, Status: metav1.ConditionTrue, Reason: mcpv1alpha1.ReasonRouteAdmitted, Message: "ok", ObservedGeneration: 1, LastTransitionTime: now},
		},
	}
	server.Status = status
	if err := env.Client.Status().Update(ctx, server); err != nil {
		t.Fatal(err)
	}
	got := &mcpv1alpha1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(server), got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(status, got.Status); diff != "" {
		t.Errorf("status changed on the way through the API server (-written +read):\n%s", diff)
	}
}

// TestPrinterColumns asks the API server for the table `kubectl get mcpservers` prints.
func TestPrinterColumns(t *testing.T) {
	cfg := rest.CopyConfig(env.Config)
	cfg.GroupVersion = &mcpv1alpha1.GroupVersion
	cfg.APIPath = "/apis"
	cfg.NegotiatedSerializer = serializer.NewCodecFactory(env.Scheme).WithoutConversion()
	rc, err := rest.RESTClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	body, err := rc.Get().Namespace("default").Resource("mcpservers").
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").
		DoRaw(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var table metav1.Table
	if err := json.Unmarshal(body, &table); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range table.ColumnDefinitions {
		if c.Priority == 0 {
			names = append(names, c.Name)
		}
	}
	want := "Name Ready Accepted Image Port Address Age"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("kubectl get mcpservers columns = %q, want %q", got, want)
	}
}
