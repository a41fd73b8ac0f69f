// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package ociimage

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// GoBinary builds the package pkg of this repository (e.g. "./cmd/mcp-catalog") as a static
// linux binary, as the Dockerfile's builder stage does, into dir/name, and returns its path.
func GoBinary(ctx context.Context, dir, name, pkg string) (string, error) {
	out := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = testenv.RepoRoot()
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if raw, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", pkg, err, raw)
	}
	return out, nil
}

// OperatorImage is the operator's image as the Dockerfile's final stage makes it: /manager,
// /mcp-catalog and /mcp-stdio-bridge, non-root, /manager the entrypoint.
func OperatorImage(ctx context.Context, dir string) (v1.Image, error) {
	manager, err := GoBinary(ctx, dir, "manager", ".")
	if err != nil {
		return nil, err
	}
	catalog, err := GoBinary(ctx, dir, "mcp-catalog", "./cmd/mcp-catalog")
	if err != nil {
		return nil, err
	}
	bridge, err := GoBinary(ctx, dir, "mcp-stdio-bridge", "./cmd/mcp-stdio-bridge")
	if err != nil {
		return nil, err
	}
	return Build(Spec{
		Files: map[string]File{"/manager": {Source: manager, Mode: 0o755}, "/mcp-catalog": {Source: catalog, Mode: 0o755},
			"/mcp-stdio-bridge": {Source: bridge, Mode: 0o755}},
		Entrypoint: []string{"/manager"},
	})
}

// BinaryImage is an image of one static binary at /<name>, its entrypoint.
func BinaryImage(binary, name string, args ...string) (v1.Image, error) {
	return Build(Spec{
		Files:      map[string]File{"/" + name: {Source: binary, Mode: 0o755}},
		Entrypoint: []string{"/" + name},
		Cmd:        args,
	})
}
