// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package node runs the operator and MCP servers in real containers: a local cluster with one
// real node (kubelet, containerd, runc, CNI bridge, kube-proxy, CoreDNS), images built by this
// repository without a container engine, and the operator installed from dist/install.yaml.
// It needs root; elsewhere it skips with the reason, and under CI it never skips.
package node

import (
	"context"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
)

// bed is the suite's one test bed; its tests run one after another on it.
var bed *nodebed.Bed

func TestMain(m *testing.M) {
	nodebed.Suite{Name: "node", Timeout: 20 * time.Minute, Setup: func(ctx context.Context, b *nodebed.Bed) error {
		bed = b
		return bed.InstallOperator(ctx)
	}}.Main(m)
}
