// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/types"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
)

// refusingProber fails every handshake.
type refusingProber struct{}

func (refusingProber) Probe(context.Context, string) mcpprobe.Result {
	return mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed, Reason: "ConnectionRefused", Message: "connection refused"}
}

// TestANewProcessGoesOnCountingRetries: a scheduler that meets a server for the first time
// starts from the failures its status already counts, so a restarted operator (or a new
// leader) reports the consecutive failures of the generation, not its own.
func TestANewProcessGoesOnCountingRetries(t *testing.T) {
	s := NewHandshakeScheduler(refusingProber{}, HandshakeOptions{})
	name := types.NamespacedName{Namespace: "ns", Name: "failing"}
	target := handshakeTarget{URL: "http://failing.ns.svc.cluster.local:8080/mcp", Generation: 2, ConfigHash: "h"}
	if got := s.Observe(name, target, 3); got.Result != nil || got.Failures != 0 {
		t.Fatalf("before any handshake of this process: %+v, want no result and no failures of its own", got)
	}
	s.handshake(context.Background(), name)
	if got := s.Observe(name, target, 0); got.Failures != 4 || got.Result == nil {
		t.Errorf("after one more failure: %d failures (result %v), want 4", got.Failures, got.Result)
	}
	target.Generation = 3
	if got := s.Observe(name, target, 0); got.Failures != 0 {
		t.Errorf("a new generation kept %d failures", got.Failures)
	}
}
