// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// stdioBridgeMount is where the server's container finds the bridge; the chart mounts it there.
const stdioBridgeMount = "/mcp-bridge"

// stdioProblems: what keeps a stdio server (spec.stdio) from running behind the bridge.
func stdioProblems(server *mcpv1beta1.MCPServer, haveBridge bool) []string {
	if server.Spec.Stdio == nil {
		return nil
	}
	var problems []string
	if !haveBridge {
		problems = append(problems, "spec.stdio: this operator runs without a stdio bridge image (--stdio-bridge-image, "+
			"RELATED_IMAGE_STDIO_BRIDGE in its install manifests), so it cannot run stdio servers")
	}
	for i, s := range server.Spec.Config.Storage {
		if s.Path == stdioBridgeMount || strings.HasPrefix(s.Path, stdioBridgeMount+"/") {
			problems = append(problems, fmt.Sprintf("spec.config.storage[%d].path: %s is where a stdio server's container finds the stdio bridge", i, stdioBridgeMount))
		}
	}
	return problems
}

// imageCommand reads what a stdio server without spec.stdio.command runs from its image's
// registry, with the pod's pull secrets, as the container runtime would start it: the
// entrypoint, then config.arguments or else the image's command. A registry that cannot say is
// a problem that asks for the command; the operator never guesses it.
func (r *MCPServerReconciler) imageCommand(ctx context.Context, server *mcpv1beta1.MCPServer) ([]string, string, error) {
	st, img := server.Spec.Stdio, server.Spec.Source.ContainerImage
	if st == nil || len(st.Command) > 0 || img == nil {
		return nil, "", nil
	}
	var secrets [][]byte
	for _, ref := range img.ImagePullSecrets {
		secret := &corev1.Secret{}
		err := r.APIReader.Get(ctx, types.NamespacedName{Namespace: server.Namespace, Name: ref.Name}, secret)
		if apierrors.IsNotFound(err) {
			continue // the kubelet, too, pulls without a missing pull secret
		}
		if err != nil {
			return nil, "", err
		}
		for _, key := range []string{corev1.DockerConfigJsonKey, corev1.DockerConfigKey} {
			if data := secret.Data[key]; len(data) > 0 {
				secrets = append(secrets, data)
			}
		}
	}
	needed := "spec.stdio.command is needed: the command that starts the stdio server (for example [\"npx\", \"-y\", \"@scope/server\"])"
	p, err := r.Images.Process(ctx, img.Ref, secrets)
	if err != nil {
		return nil, fmt.Sprintf("%s, unless its image's registry says: %v", needed, err), nil
	}
	args := server.Spec.Config.Arguments
	if len(args) == 0 {
		args = p.Cmd
	}
	command := append(append([]string{}, p.Entrypoint...), args...)
	if len(command) == 0 {
		return nil, fmt.Sprintf("%s: the image %s names no entrypoint and no command", needed, img.Ref), nil
	}
	return command, "", nil
}

// withStdioCommand is the server as rendered: a stdio server without spec.stdio.command runs
// what its image says (its arguments are in command already).
func withStdioCommand(server *mcpv1beta1.MCPServer, command []string) *mcpv1beta1.MCPServer {
	if command == nil {
		return server
	}
	s := server.DeepCopy()
	s.Spec.Stdio.Command = command
	s.Spec.Config.Arguments = nil
	return s
}
