// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// dashboardServers is the resource the OpenShift AI dashboard's BFF uses: a dynamic client on
// mcp.x-k8s.io/v1alpha1 mcpservers.
var dashboardServers = schema.GroupVersionResource{Group: "mcp.x-k8s.io", Version: "v1alpha1", Resource: "mcpservers"}

// dashboardCreate is what the dashboard sends on "Deploy" (API-v1beta1.md section 7): a generated
// name, its annotations, the image, and config and runtime from the YAML it prefilled from the
// catalog (port, path, a placeholder env var, a /tmp EmptyDir with ReadWrite, a ServiceAccount).
const dashboardCreate = `
apiVersion: mcp.x-k8s.io/v1alpha1
kind: MCPServer
metadata:
  name: mcp-1a2b3c4d
  annotations:
    mcp.opendatahub.io/display-name: Kubernetes MCP Server
    mcp.opendatahub.io/catalog-server: kubernetes-mcp-server
spec:
  source:
    type: ContainerImage
    containerImage:
      ref: quay.io/containers/kubernetes_mcp_server:latest
  config:
    port: 8080
    path: /mcp
    env:
      - name: LOG_LEVEL
        value: "<LOG_LEVEL>"
    storage:
      - path: /tmp
        permissions: ReadWrite
        source:
          type: EmptyDir
          emptyDir: {}
  runtime:
    security:
      serviceAccountName: mcp-1a2b3c4d-sa
`

// TestDashboardRequestShapes: the dashboard's create, its reads of status.conditions,
// status.address.url and status.phase, and its merge patches (an edit, and an emptied YAML that
// resets config to the port and nulls runtime), all through v1alpha1.
func TestDashboardRequestShapes(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	if err := k8s.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "mcp-1a2b3c4d-sa", Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	servers := dyn.Resource(dashboardServers).Namespace(ns)
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(dashboardCreate), &obj.Object); err != nil {
		t.Fatal(err)
	}
	if _, err := servers.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	k := types.NamespacedName{Namespace: ns, Name: "mcp-1a2b3c4d"}
	startMCPServerFor(t, getServer(t, k), mcptest.ServerOptions{Name: "kubernetes-mcp-server", Version: "1"})
	waitForDeployment(t, k)
	makeAvailable(t, k)

	// What the dashboard reads: every condition, the address and the phase.
	check.Eventually(t, timeout, "the dashboard to see the server Available", func() (bool, string) {
		got, err := servers.Get(ctx, k.Name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		phase, _, _ := unstructured.NestedString(got.Object, "status", "phase")
		url, _, _ := unstructured.NestedString(got.Object, "status", "address", "url")
		conditions, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
		ready := ""
		for _, c := range conditions {
			if m, _ := c.(map[string]any); m["type"] == "Ready" {
				ready = fmt.Sprint(m["status"])
			}
			if m, _ := c.(map[string]any); m["type"] == "Available" || m["type"] == "Verified" {
				return false, "v1alpha1 shows v1beta1's " + fmt.Sprint(m["type"])
			}
		}
		return phase == "Available" && ready == "True" && url == fmt.Sprintf("http://mcp-1a2b3c4d.%s.svc.%s:8080/mcp", ns, clusterDomain),
			fmt.Sprintf("phase %q Ready %q url %q", phase, ready, url)
	})

	// An edit: annotations, spec.config and spec.runtime merge-patched through v1alpha1.
	edit := `{"metadata":{"annotations":{"mcp.opendatahub.io/display-name":"Renamed"}},` +
		`"spec":{"config":{"port":8080,"path":"/mcp","arguments":["--read-only"]},"runtime":{"replicas":1}}}`
	if _, err := servers.Patch(ctx, k.Name, types.MergePatchType, []byte(edit), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := getServer(t, k); len(s.Spec.Config.Arguments) != 1 || s.Annotations["mcp.opendatahub.io/display-name"] != "Renamed" {
		t.Errorf("after the dashboard's edit: arguments %v annotations %v", s.Spec.Config.Arguments, s.Annotations)
	}

	// An emptied YAML: config back to the port alone, runtime null.
	reset := `{"spec":{"config":{"port":8080,"path":null,"arguments":null,"env":null,"storage":null},"runtime":null}}`
	if _, err := servers.Patch(ctx, k.Name, types.MergePatchType, []byte(reset), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	s := getServer(t, k)
	if s.Spec.Config.Port != 8080 || s.Spec.Config.Path != "/mcp" || len(s.Spec.Config.Storage) != 0 || s.Spec.Runtime.Replicas != nil {
		t.Errorf("after the reset: config %+v runtime %+v", s.Spec.Config, s.Spec.Runtime)
	}
	if err := servers.Delete(ctx, k.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
}
