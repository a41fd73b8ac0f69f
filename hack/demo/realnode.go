// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// runOnRealNode is the demo in containers (`make demo NODE=real`): the local control plane with
// a real node, the operator installed from dist/install.yaml running as a pod from its image,
// and the customer's example running the real kubernetes-mcp-server.
func runOnRealNode(ctx context.Context, once bool) error {
	if why := localcluster.RealNodeUnsupported(); why != "" {
		return fmt.Errorf("NODE=real: %s (make demo without NODE=real needs none of it)", why)
	}
	dir, err := os.MkdirTemp("", "mcp-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	say("Building the images (the operator, the real kubernetes-mcp-server of the example, pause) without a container engine,")
	say("and starting a local control plane with a real node: kubelet, containerd, runc, a CNI bridge, kube-proxy, CoreDNS")
	bed, err := nodebed.Start(ctx, dir)
	if err != nil {
		return err
	}
	defer func() {
		say("Stopping the real node (its containers, network and mounts) and the control plane")
		_ = bed.Stop()
	}()
	kubectl := os.Getenv("TEST_ASSET_KUBECTL")
	say("Installing the operator: kubectl apply --server-side -f dist/install.yaml (image %s)", bed.OperatorImage)
	if err := bed.InstallOperator(ctx); err != nil {
		return err
	}
	say("Labelling namespace default to enforce the restricted Pod Security Standard")
	if err := runKubectl(ctx, bed.Cluster.Kubeconfig, "label", "--overwrite", "namespace", "default",
		"pod-security.kubernetes.io/enforce=restricted"); err != nil {
		return err
	}
	say("Applying %s, unchanged (its image %s is the real kubernetes-mcp-server)", example, bed.ExampleImage)
	if err := runKubectl(ctx, bed.Cluster.Kubeconfig, "apply", "--server-side", "-f", example); err != nil {
		return err
	}
	if err := waitForReady(ctx, bed.Cluster, bed.Cluster.Node.Healthy); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, kubectl, "--kubeconfig="+bed.Cluster.Kubeconfig, "get", "mcpservers", "-A", "-o", "wide").CombinedOutput()
	if err != nil {
		return fmt.Errorf("kubectl get mcpservers: %v\n%s", err, out)
	}
	fmt.Printf("\n$ kubectl get mcpservers -A -o wide\n%s\n", out)
	svc := &corev1.Service{}
	if err := bed.Cluster.Client.Get(ctx, client.ObjectKey{Namespace: serverKey.Namespace, Name: serverKey.Name}, svc); err != nil {
		return err
	}
	printHowToConnectOnRealNode(bed.Cluster.Kubeconfig, kubectl, svc.Spec.ClusterIP)

	return showCatalogUntilDone(ctx, dir, filepath.Join(dir, "image-bin", "mcp-catalog"), bed.Cluster.Kubeconfig, once)
}

// runKubectl runs the bundled kubectl in the repository against the kubeconfig, showing its output.
func runKubectl(ctx context.Context, kubeconfig string, args ...string) error {
	cmd := exec.CommandContext(ctx, os.Getenv("TEST_ASSET_KUBECTL"), append([]string{"--kubeconfig=" + kubeconfig}, args...)...)
	cmd.Dir = testenv.RepoRoot()
	out, err := cmd.CombinedOutput()
	fmt.Printf("%s", indent(string(out)))
	if err != nil {
		return fmt.Errorf("kubectl %v: %w", args, err)
	}
	return nil
}

func printHowToConnectOnRealNode(kubeconfig, kubectl, clusterIP string) {
	fmt.Printf(`The MCPServer is Ready: the operator, running in its pod, verified the real
kubernetes-mcp-server in its container with an MCP handshake (see the PROTOCOL column).

Inside the cluster, MCP clients connect to its address:
    http://openshift-mcp-server.default.svc.cluster.local:8080/mcp
From this machine, kube-proxy routes its Service address too. Try it:
    curl -s http://%s:8080/mcp -H 'Content-Type: application/json' \
      -H 'Accept: application/json, text/event-stream' \
      -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'

Use the bundled kubectl against the local cluster:
    export KUBECONFIG=%s
    %s get pods -A -o wide
    %s logs deploy/openshift-mcp-server

`, clusterIP, kubeconfig, kubectl, kubectl)
}

// indent prefixes every line of s with four spaces, as the demo prints what it ran.
func indent(s string) string {
	if s == "" {
		return ""
	}
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") + "\n"
}
