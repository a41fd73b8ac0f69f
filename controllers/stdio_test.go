// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/stdiobridge"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// testBridgeImage is the stdio bridge image the suite's operator is given.
const testBridgeImage = "quay.io/mcp-operator/mcp-operator:test"

// TestStdioServerWithoutCommandIsRefused: the operator never guesses how to start a stdio
// server; Accepted says what is needed, and nothing is rolled out.
func TestStdioServerWithoutCommandIsRefused(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "no-command", func(s *mcpv1beta1.MCPServer) { s.Spec.Stdio = &mcpv1beta1.StdioConfig{} })
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	if c := condition(t, got, mcpv1beta1.ConditionAccepted); !strings.Contains(c.Message, "spec.stdio.command is needed") {
		t.Errorf("Accepted says %q, want the command asked for", c.Message)
	}
}

// TestStdioServerIsVerifiedThroughTheBridge: a stdio server's Deployment runs the bridge from
// the operator's image, and the server, verified through the bridge, is Ready with its tools.
func TestStdioServerIsVerifiedThroughTheBridge(t *testing.T) {
	ns := newNamespace(t)
	command := []string{"kubernetes-mcp-server", "--read-only"}
	s := newServer(t, ns, "stdio", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Stdio = &mcpv1beta1.StdioConfig{Command: command, Sessions: mcpv1beta1.StdioShared}
	})
	d := waitForDeployment(t, key(s))
	pod := d.Spec.Template.Spec
	if len(pod.InitContainers) != 1 || pod.InitContainers[0].Image != testBridgeImage {
		t.Fatalf("init containers %+v, want the bridge installed from %s", pod.InitContainers, testBridgeImage)
	}
	if args := pod.Containers[0].Args; !slices.Contains(args, "--sessions=Shared") || !slices.Equal(args[len(args)-2:], command) {
		t.Errorf("the server container's args %q, want the bridge's flags, then the command", args)
	}

	// The pod, as the kubelet would run it: the bridge in front of a stdio server.
	bridge := startBridge(t, stdioServerCommand(t))
	route(t, s, bridge)
	makeAvailable(t, key(s))
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionVerified, metav1.ConditionTrue, mcpv1beta1.ReasonVerified)
	if got.Status.ServerInfo == nil || got.Status.ServerInfo.Name != "stdio-test" {
		t.Errorf("serverInfo %+v, want the stdio server's", got.Status.ServerInfo)
	}
	if got.Status.Tools == nil || !slices.Contains(got.Status.Tools.Names, "echo") {
		t.Errorf("tools %+v, want the stdio server's", got.Status.Tools)
	}
}

// stdioServerCommand runs this test binary as a go-sdk stdio server.
func stdioServerCommand(t *testing.T) []string {
	t.Helper()
	command, err := mcptest.StdioServerCommand(t.Setenv)
	if err != nil {
		t.Fatal(err)
	}
	return command
}

// startBridge serves a stdio command behind the bridge on loopback and returns its address.
func startBridge(t *testing.T, command []string) string {
	t.Helper()
	b, err := stdiobridge.New(stdiobridge.Options{Command: command, Sessions: stdiobridge.Shared, Version: "test", Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", b)
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		_ = srv.Close()
		b.Close()
	})
	return ln.Addr().String()
}
