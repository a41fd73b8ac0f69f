// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
)

// TestStdioServerRunsBehindTheBridge: the customer's server in its default mode, stdio, from
// the example's image, behind the bridge the operator injects from its own image: Ready with
// its tools, restricted by the runtime like any server, and answering a client in another pod
// through the Service.
func TestStdioServerRunsBehindTheBridge(t *testing.T) {
	applyExample(t) // its ServiceAccount, with read access to the cluster
	const name = "kubernetes-stdio"
	s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Namespace: exampleNamespace, Name: name}}
	s.Spec.Source = mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
		ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: bed.ExampleImage}}
	s.Spec.Config = mcpv1beta1.ServerConfig{Port: 8080, Arguments: []string{"--read-only"}}
	s.Spec.Runtime.Security.ServiceAccountName = "mcp-viewer"
	// Shared: one server process per pod, whatever sessions are open, so that the test finds it.
	// PerSession, the default, is verified in the interop suite.
	s.Spec.Stdio = &mcpv1beta1.StdioConfig{Command: []string{"/kubernetes-mcp-server"}, Sessions: mcpv1beta1.StdioShared}
	ctx := context.Background()
	if err := bed.Cluster.Client.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bed.Cluster.Client.Delete(ctx, s) })
	got := waitReady(t, exampleNamespace, name, metav1.ConditionTrue, "", 4*time.Minute)
	if got.Status.ServerInfo == nil || got.Status.ServerInfo.Name != "kubernetes-mcp-server" {
		t.Errorf("serverInfo = %+v, want kubernetes-mcp-server's own", got.Status.ServerInfo)
	}
	if got.Status.Tools == nil || !slices.Contains(got.Status.Tools.Names, "namespaces_list") {
		t.Fatalf("status.tools = %+v, want the read tools (namespaces_list)", got.Status.Tools)
	}
	for _, w := range writeTools {
		if slices.Contains(got.Status.Tools.Names, w) {
			t.Errorf("status.tools has the write tool %s: --read-only did not reach the server", w)
		}
	}

	t.Run("the bridge runs the server, both restricted", func(t *testing.T) {
		pods := serverPods(t, exampleNamespace, name)
		if len(pods) != 1 {
			t.Fatalf("%d running pods, want 1", len(pods))
		}
		check.CheckRestricted(t, pods[0].Spec)
		if init := pods[0].Spec.InitContainers; len(init) != 1 || init[0].Image != bed.OperatorImage {
			t.Errorf("init containers %+v, want the bridge from the operator's image %s", init, bed.OperatorImage)
		}
		pid, err := bed.Cluster.Node.ContainerPID(pods[0].Status.ContainerStatuses[0].ContainerID)
		if err != nil {
			t.Fatal(err)
		}
		if cmd := cmdline(t, pid); len(cmd) == 0 || cmd[0] != "/mcp-bridge/mcp-stdio-bridge" {
			t.Errorf("the container's first process is %q, want the bridge", cmd)
		}
		children := childProcesses(t, pid)
		if len(children) != 1 || cmdline(t, children[0])[0] != "/kubernetes-mcp-server" {
			t.Fatalf("the bridge's children are %v, want the server, one (Shared)", children)
		}
		status := procStatus(t, children[0])
		for field, want := range map[string]string{"CapEff": "0000000000000000", "NoNewPrivs": "1", "Seccomp": "2"} {
			if status[field] != want {
				t.Errorf("the server's %s = %q, want %q", field, status[field], want)
			}
		}
	})

	t.Run("a client in a pod calls a tool through the Service", func(t *testing.T) {
		url := fmt.Sprintf("http://%s.%s.svc.cluster.local:8080/mcp", name, exampleNamespace)
		report := runClient(t, exampleNamespace, "stdio-client", url, "namespaces_list")
		if report.Error != "" {
			t.Fatalf("the client failed: %s", report.Error)
		}
		if report.Server != "kubernetes-mcp-server" || !strings.Contains(report.Called, nodebed.OperatorNamespace) {
			t.Errorf("the client met %q and namespaces_list answered %q, want this cluster's namespaces", report.Server, report.Called)
		}
	})
}

// cmdline reads a process's arguments.
func cmdline(t *testing.T, pid int) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("/proc", fmt.Sprint(pid), "cmdline"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
}

// childProcesses lists the running children of a process.
func childProcesses(t *testing.T, parent int) []int {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var children []int
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		var pid int
		if len(fields) > 1 && fields[1] == fmt.Sprint(parent) && fields[0] != "Z" {
			if _, err := fmt.Sscan(filepath.Base(filepath.Dir(path)), &pid); err == nil {
				children = append(children, pid)
			}
		}
	}
	return children
}
