// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
)

// The customer's example, as config/samples holds it.
const (
	exampleNamespace = "default"
	exampleName      = "openshift-mcp-server"
	exampleURL       = "http://openshift-mcp-server.default.svc.cluster.local:8080/mcp"
)

// writeTools are tools of kubernetes-mcp-server's core and config toolsets that change the
// cluster; read_only = true in the example's config.toml leaves them out.
var writeTools = []string{"pods_delete", "pods_run", "pods_exec", "resources_create_or_update", "resources_delete"}

// applyExample applies the customer's example verbatim into a restricted default namespace
// and waits until it is Ready.
func applyExample(t *testing.T) {
	t.Helper()
	restrictedNamespace(t, exampleNamespace)
	kubectl(t, "apply", "--server-side", "-f", "config/samples/openshift-mcp-server.yaml")
	waitReady(t, exampleNamespace, exampleName, metav1.ConditionTrue, "", 4*time.Minute)
}

// TestCustomerExampleRunsTheRealServer: the customer's manifest, applied verbatim, runs the real
// kubernetes-mcp-server in a container that the runtime really restricts, reads its config.toml
// from the ConfigMap, and answers an MCP client in another pod through the Service's DNS name.
func TestCustomerExampleRunsTheRealServer(t *testing.T) {
	applyExample(t)
	s := server(t, exampleNamespace, exampleName)
	if s.Status.ServerInfo == nil || s.Status.ServerInfo.Name != "kubernetes-mcp-server" {
		t.Errorf("serverInfo = %+v, want the name kubernetes-mcp-server", s.Status.ServerInfo)
	}
	if s.Status.Address == nil || s.Status.Address.URL != exampleURL {
		t.Errorf("status.address = %+v, want %s", s.Status.Address, exampleURL)
	}
	if s.Status.Tools == nil || !slices.Contains(s.Status.Tools.Names, "namespaces_list") {
		t.Fatalf("status.tools = %+v, want the read tools of the core toolset (namespaces_list)", s.Status.Tools)
	}
	t.Logf("serverInfo %+v; tools %v", *s.Status.ServerInfo, s.Status.Tools.Names)
	for _, w := range writeTools {
		if slices.Contains(s.Status.Tools.Names, w) {
			t.Errorf("status.tools has the write tool %s: config.toml (read_only = true) was not read", w)
		}
	}

	t.Run("the runtime restricts the container", func(t *testing.T) {
		pods := serverPods(t, exampleNamespace, exampleName)
		if len(pods) != 1 {
			t.Fatalf("%d running pods, want 1", len(pods))
		}
		check.CheckRestricted(t, pods[0].Spec)
		if pods[0].Spec.ServiceAccountName != "mcp-viewer" {
			t.Errorf("the pod runs as ServiceAccount %q, want mcp-viewer", pods[0].Spec.ServiceAccountName)
		}
		pid, err := bed.Cluster.Node.ContainerPID(pods[0].Status.ContainerStatuses[0].ContainerID)
		if err != nil {
			t.Fatal(err)
		}
		status := procStatus(t, pid)
		if uid := strings.Fields(status["Uid"]); len(uid) == 0 || uid[0] == "0" {
			t.Errorf("the server runs as uid %v, want non-root", uid)
		}
		for field, want := range map[string]string{
			"CapEff": "0000000000000000", "CapPrm": "0000000000000000", "CapBnd": "0000000000000000",
			"NoNewPrivs": "1", "Seccomp": "2", // 2: a seccomp filter (RuntimeDefault) is installed
		} {
			if status[field] != want {
				t.Errorf("/proc/%d/status %s = %q, want %q", pid, field, status[field], want)
			}
		}
		if opts := rootMountOptions(t, pid); !slices.Contains(strings.Split(opts, ","), "ro") {
			t.Errorf("the root filesystem is mounted %q, want read-only", opts)
		}
	})

	t.Run("an MCP client in a pod calls a read tool through the Service", func(t *testing.T) {
		report := runClient(t, exampleNamespace, "mcp-client", exampleURL, "namespaces_list")
		if report.Error != "" {
			t.Fatalf("the client failed: %s", report.Error)
		}
		t.Logf("namespaces_list answered: %s", report.Called)
		if report.Server != "kubernetes-mcp-server" {
			t.Errorf("the client met %q, want kubernetes-mcp-server", report.Server)
		}
		for _, ns := range []string{"default", nodebed.OperatorNamespace, "kube-system"} {
			if !strings.Contains(report.Called, ns) {
				t.Errorf("namespaces_list answered %q, want this cluster's namespace %s in it (read through mcp-viewer)", report.Called, ns)
			}
		}
		for _, w := range writeTools {
			if slices.Contains(report.Tools, w) {
				t.Errorf("the client found the write tool %s", w)
			}
		}
	})
}

// clientReport is what ociimage/mcpclient writes to its termination log.
type clientReport struct {
	Server string   `json:"server"`
	Tools  []string `json:"tools"`
	Called string   `json:"called"`
	Error  string   `json:"error"`
}

// runClient runs the MCP client in a pod, restricted like any pod of the namespace, and
// returns its report.
func runClient(t *testing.T, namespace, name, url, call string) clientReport {
	t.Helper()
	ctx := context.Background()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name: "client", Image: nodebed.ClientImage, Args: []string{"--call", call, url},
				SecurityContext: &corev1.SecurityContext{
					AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
					Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
			}},
		},
	}
	if err := bed.Cluster.Client.Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bed.Cluster.Client.Delete(ctx, pod, client.GracePeriodSeconds(0)) })
	var message string
	check.Eventually(t, 2*time.Minute, "the client pod to finish", func() (bool, string) {
		if err := bed.Cluster.Client.Get(ctx, client.ObjectKeyFromObject(pod), pod); err != nil {
			return false, err.Error()
		}
		for _, cs := range pod.Status.ContainerStatuses {
			if term := cs.State.Terminated; term != nil {
				message = term.Message
				return true, ""
			}
		}
		return false, string(pod.Status.Phase)
	})
	var report clientReport
	if err := json.Unmarshal([]byte(message), &report); err != nil {
		t.Fatalf("the client's report %q: %v", message, err)
	}
	return report
}
