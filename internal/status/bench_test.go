// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status_test

import (
	"testing"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

// BenchmarkCompute is the status computation of every reconcile of a Ready server.
func BenchmarkCompute(b *testing.B) {
	obs := status.Observation{Generation: 2, Address: "http://weather.team.svc.cluster.local:8080/mcp", DeploymentName: "weather",
		ServiceName: "weather", Workload: available(1), Handshake: status.Handshake{Result: ready(12)}}
	current := status.Compute(mcpv1beta1.MCPServerStatus{}, obs, t0)
	b.ReportAllocs()
	for b.Loop() {
		status.Compute(current, obs, t1)
	}
}
