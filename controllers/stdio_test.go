// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/google/go-containerregistry/pkg/registry"
	ggcrv1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/stdiobridge"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// testBridgeImage is the stdio bridge image the suite's operator is given.
const testBridgeImage = "quay.io/mcp-operator/mcp-operator:test"

// TestStdioCommandComesFromTheImage: without spec.stdio.command the operator runs what the
// image's registry says (entrypoint, then the image's command unless config.arguments are
// set), with the pull secrets; an image that says nothing, or a registry that cannot be read,
// is Accepted=False asking for the command: the operator never guesses it.
func TestStdioCommandComesFromTheImage(t *testing.T) {
	ns := newNamespace(t)
	reg := startRegistry(t)
	withEntrypoint := pushImage(t, reg, "mcp/with-entrypoint:1.0", []string{"node", "/app/server.js"}, []string{"--stdio"})
	bare := pushImage(t, reg, "mcp/bare:1.0", nil, nil)
	stdio := func(ref string, args ...string) func(*mcpv1beta1.MCPServer) {
		return func(s *mcpv1beta1.MCPServer) {
			s.Spec.Source.ContainerImage.Ref = ref
			s.Spec.Source.ContainerImage.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "not-there"}}
			s.Spec.Config.Arguments = args
			s.Spec.Stdio = &mcpv1beta1.StdioConfig{}
		}
	}
	for name, c := range map[string]struct {
		server func(*mcpv1beta1.MCPServer)
		want   []string
	}{
		"image-command": {stdio(withEntrypoint), []string{"node", "/app/server.js", "--stdio"}},
		"user-args":     {stdio(withEntrypoint, "--verbose"), []string{"node", "/app/server.js", "--verbose"}},
	} {
		s := newServer(t, ns, name, c.server)
		d := waitForDeployment(t, key(s))
		args := d.Spec.Template.Spec.Containers[0].Args
		if i := slices.Index(args, "--"); i < 0 || !slices.Equal(args[i+1:], c.want) {
			t.Errorf("%s: the bridge runs %q, want %q after --", name, args, c.want)
		}
	}
	for name, c := range map[string]struct {
		ref, says string
	}{
		"bare":    {bare, "names no entrypoint and no command"},
		"missing": {reg + "/mcp/missing:1.0", "unless its image's registry says"},
	} {
		s := newServer(t, ns, name, stdio(c.ref))
		got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
		if msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message; !strings.Contains(msg, "spec.stdio.command is needed") || !strings.Contains(msg, c.says) {
			t.Errorf("%s: Accepted says %q, want the command asked for and %q", name, msg, c.says)
		}
	}
}

// startRegistry serves an OCI registry on loopback and returns its host:port.
func startRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New())
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// pushImage stores an empty image with an entrypoint and command, and returns its reference.
func pushImage(t *testing.T, reg, repoTag string, entrypoint, cmd []string) string {
	t.Helper()
	img, err := mutate.Config(empty.Image, ggcrv1.Config{Entrypoint: entrypoint, Cmd: cmd})
	if err != nil {
		t.Fatal(err)
	}
	ref := reg + "/" + repoTag
	if err := crane.Push(img, ref); err != nil {
		t.Fatal(err)
	}
	return ref
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
