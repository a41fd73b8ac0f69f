// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package demo checks that `make demo` does what the README promises: from nothing, a local
// control plane, the operator, and the customer's example Ready at its address, and the catalog
// page, whose API shows the example as Available.
package demo

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

func TestDemoShowsTheExampleReady(t *testing.T) {
	out := runDemo(t, 5*time.Minute)
	requireLines(t, out, []string{
		"Applying config/samples/openshift-mcp-server.yaml, unchanged",
		"Ready=True (Available)",
		"$ kubectl get mcpservers -A -o wide",
		"http://openshift-mcp-server.default.svc.cluster.local:8080/mcp",
		"export KUBECONFIG=",
		"The MCP catalog: http://127.0.0.1:",
		"which shows default/openshift-mcp-server as Available.",
		"Stopping the control plane",
	})
}

// runDemo runs the demo as `make demo` does, until the example is Ready, and returns its output.
func runDemo(t *testing.T, timeout time.Duration, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append([]string{"run", "./hack/demo", "--exit-when-ready"}, args...)...)
	cmd.Dir = testenv.RepoRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the demo failed: %v\n%s", err, out)
	}
	return string(out)
}

// requireLines fails unless the demo's output holds every one of want.
func requireLines(t *testing.T, out string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("the demo's output lacks %q:\n%s", w, out)
		}
	}
}

// TestDemoOnTheRealNode: `make demo NODE=real` runs the operator from its image and the
// customer's example with the real kubernetes-mcp-server, in containers, and says so.
func TestDemoOnTheRealNode(t *testing.T) {
	if why := localcluster.RealNodeUnsupported(); why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and this machine cannot run the real node: %s", why)
		}
		t.Skip(why)
	}
	out := runDemo(t, 15*time.Minute, "--node=real")
	requireLines(t, out, []string{
		"Installing the operator: kubectl apply --server-side -f dist/install.yaml",
		"Applying config/samples/openshift-mcp-server.yaml, unchanged",
		`Ready=True (Available): 1 of 1 replicas available; MCP server "kubernetes-mcp-server`,
		"$ kubectl get mcpservers -A -o wide",
		"http://openshift-mcp-server.default.svc.cluster.local:8080/mcp",
		"export KUBECONFIG=",
		"which shows default/openshift-mcp-server as Available.",
		"Stopping the real node",
	})
}
