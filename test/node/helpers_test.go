// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// kubectl runs kubectl against the bed's cluster, as a user would, and returns its output.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Getenv("TEST_ASSET_KUBECTL"), append([]string{"--kubeconfig", bed.Cluster.Kubeconfig}, args...)...)
	cmd.Dir = testenv.RepoRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// restrictedNamespace creates the namespace if it is not there and labels it to enforce the
// restricted Pod Security Standard, as an OpenShift admin's namespaces are.
func restrictedNamespace(t *testing.T, name string) {
	t.Helper()
	if err := bed.Cluster.Client.Get(context.Background(), client.ObjectKey{Name: name}, &corev1.Namespace{}); err != nil {
		kubectl(t, "create", "namespace", name)
	}
	kubectl(t, "label", "--overwrite", "namespace", name, "pod-security.kubernetes.io/enforce=restricted")
}

// server reads an MCPServer.
func server(t *testing.T, namespace, name string) *mcpv1beta1.MCPServer {
	t.Helper()
	s := &mcpv1beta1.MCPServer{}
	if err := bed.Cluster.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitReady waits until an MCPServer's Ready condition has the status, for its current
// generation, and the message holds want; it returns the server.
func waitReady(t *testing.T, namespace, name string, status metav1.ConditionStatus, want string, timeout time.Duration) *mcpv1beta1.MCPServer {
	t.Helper()
	var s *mcpv1beta1.MCPServer
	check.Eventually(t, timeout, fmt.Sprintf("MCPServer %s/%s Ready=%s with %q", namespace, name, status, want), func() (bool, string) {
		if err := bed.Cluster.Node.Healthy(); err != nil {
			t.Fatal(err)
		}
		// Ready as v1alpha1 readers see it, through the operator's conversion webhook.
		old := &mcpv1alpha1.MCPServer{}
		if err := bed.Cluster.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, old); err != nil {
			return false, err.Error()
		}
		c := apimeta.FindStatusCondition(old.Status.Conditions, mcpv1alpha1.ConditionReady)
		if c == nil {
			return false, "no Ready condition"
		}
		ok := c.Status == status && c.ObservedGeneration == old.Generation && strings.Contains(c.Message, want)
		if !ok {
			return false, fmt.Sprintf("Ready=%s %s: %s (generation %d, observed %d)", c.Status, c.Reason, c.Message, old.Generation, c.ObservedGeneration)
		}
		s = &mcpv1beta1.MCPServer{}
		if err := bed.Cluster.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, s); err != nil {
			return false, err.Error()
		}
		return s.Generation == old.Generation, "the v1beta1 read is of another generation"
	})
	return s
}

// waitSettled waits until the operator has nothing left to do for an MCPServer: every
// condition is of its current generation, Available, Verified and RolloutVerified are True,
// and its Deployment has rolled out completely. Ready can be True before that, while old pods still serve.
func waitSettled(t *testing.T, namespace, name string, timeout time.Duration) {
	t.Helper()
	ctx := context.Background()
	check.Eventually(t, timeout, fmt.Sprintf("MCPServer %s/%s to settle", namespace, name), func() (bool, string) {
		s := server(t, namespace, name)
		if s.Status.ObservedGeneration != s.Generation {
			return false, fmt.Sprintf("status of generation %d, want %d", s.Status.ObservedGeneration, s.Generation)
		}
		for _, c := range s.Status.Conditions {
			if c.ObservedGeneration != s.Generation {
				return false, fmt.Sprintf("%s of generation %d", c.Type, c.ObservedGeneration)
			}
		}
		for _, typ := range []string{mcpv1beta1.ConditionAvailable, mcpv1beta1.ConditionVerified, mcpv1beta1.ConditionRolloutVerified} {
			if c := apimeta.FindStatusCondition(s.Status.Conditions, typ); c == nil || c.Status != metav1.ConditionTrue {
				return false, fmt.Sprintf("%s is not True: %+v", typ, c)
			}
		}
		d := &appsv1.Deployment{}
		if err := bed.Cluster.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: s.Status.DeploymentName}, d); err != nil {
			return false, err.Error()
		}
		st := d.Status
		want := ptr.Deref(d.Spec.Replicas, 1)
		return st.ObservedGeneration == d.Generation && st.Replicas == want && st.UpdatedReplicas == want && st.AvailableReplicas == want,
			fmt.Sprintf("Deployment: %d replicas, %d updated, %d available, want %d", st.Replicas, st.UpdatedReplicas, st.AvailableReplicas, want)
	})
}

// serverPods lists the running pods of an MCPServer.
func serverPods(t *testing.T, namespace, name string) []corev1.Pod {
	t.Helper()
	return check.RunningPods(t, bed.Cluster.Client, namespace, name)
}

// procStatus reads the fields of /proc/<pid>/status of a container's process.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("/proc", fmt.Sprint(pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	return fields
}

// rootMountOptions returns the mount options of a process's root filesystem, as its own
// mount namespace sees it.
func rootMountOptions(t *testing.T, pid int) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("/proc", fmt.Sprint(pid), "mountinfo"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 5 && fields[4] == "/" {
			return fields[5]
		}
	}
	t.Fatalf("process %d has no root mount", pid)
	return ""
}
