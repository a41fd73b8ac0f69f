// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render_test

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
)

const bridgeImage = "quay.io/mcp-operator/mcp-operator:v0.1.0"

// TestStdioServerRunsBehindTheBridge: a stdio server's pod copies the bridge from the operator's
// image in an init container and runs it in the server's image, with the server's command and
// arguments after "--", keeping the restricted defaults in both containers.
func TestStdioServerRunsBehindTheBridge(t *testing.T) {
	operator, err := render.OperatorValues("mcp-operator-system", render.PostureOpen, bridgeImage)
	if err != nil {
		t.Fatal(err)
	}
	s := customerServer()
	s.Spec.Stdio = &mcpv1beta1.StdioConfig{Command: []string{"/kubernetes-mcp-server"}, Sessions: mcpv1beta1.StdioShared,
		MaxSessions: ptr.To[int32](8), IdleTimeoutSeconds: ptr.To[int32](60)}
	objs, err := newRenderer(t).Render(render.Request{Server: s, Operator: operator})
	if err != nil {
		t.Fatal(err)
	}
	d, _, _ := objectsByKind(t, objs)
	pod := d.Spec.Template.Spec
	if len(pod.InitContainers) != 1 {
		t.Fatalf("%d init containers, want the bridge's", len(pod.InitContainers))
	}
	install := pod.InitContainers[0]
	if install.Image != bridgeImage || !slices.Equal(install.Command, []string{"/mcp-stdio-bridge", "install", "/mcp-bridge"}) {
		t.Errorf("init container %s %v, want the operator's image installing the bridge", install.Image, install.Command)
	}
	server := pod.Containers[0]
	if server.Image != s.Spec.Source.ContainerImage.Ref || !slices.Equal(server.Command, []string{"/mcp-bridge/mcp-stdio-bridge"}) {
		t.Errorf("server container %s %v, want the server's image running the bridge", server.Image, server.Command)
	}
	wantArgs := []string{"--port=8080", "--path=/mcp", "--sessions=Shared", "--max-sessions=8", "--idle-timeout=60s", "--",
		"/kubernetes-mcp-server", "--config", "/etc/mcp-config/config.toml"}
	if !slices.Equal(server.Args, wantArgs) {
		t.Errorf("args %q, want %q", server.Args, wantArgs)
	}
	check.CheckRestricted(t, pod)
	if m := install.VolumeMounts; len(m) != 1 || m[0].Name != "mcp-stdio-bridge" || m[0].ReadOnly {
		t.Errorf("the init container mounts %+v, want the bridge's emptyDir, writable", m)
	}
	if !slices.ContainsFunc(server.VolumeMounts, func(m corev1.VolumeMount) bool {
		return m.Name == "mcp-stdio-bridge" && m.MountPath == "/mcp-bridge" && m.ReadOnly
	}) {
		t.Errorf("the server container mounts %+v, want the bridge read-only at /mcp-bridge", server.VolumeMounts)
	}
	if len(server.VolumeMounts) != 2 {
		t.Errorf("the server container mounts %d volumes, want the bridge and its own ConfigMap", len(server.VolumeMounts))
	}

	// Without spec.stdio nothing of the bridge appears.
	objs, err = newRenderer(t).Render(render.Request{Server: customerServer(), Operator: operator})
	if err != nil {
		t.Fatal(err)
	}
	d, _, _ = objectsByKind(t, objs)
	if c := d.Spec.Template.Spec.Containers[0]; len(d.Spec.Template.Spec.InitContainers) != 0 || c.Command != nil || len(c.VolumeMounts) != 1 {
		t.Errorf("a server without spec.stdio: init containers %d, command %v, mounts %d", len(d.Spec.Template.Spec.InitContainers), c.Command, len(c.VolumeMounts))
	}
}
