// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// TestProbeViaDialsThePodAndKeepsTheServiceURL: a pod is verified at its own address under the
// Service's name; a Resolver entry for the name (the operator outside the cluster) wins.
func TestProbeViaDialsThePodAndKeepsTheServiceURL(t *testing.T) {
	pod := startMCP(t, mcptest.ServerOptions{Name: "pod", Tools: []string{"a"}})
	other := startMCP(t, mcptest.ServerOptions{Name: "other", Tools: []string{"a"}})
	u, err := url.Parse(pod.URL)
	if err != nil {
		t.Fatal(err)
	}
	service := "http://weather.team.svc.cluster.local:8080" + u.Path
	res := mcpprobe.New(mcpprobe.Config{}).ProbeVia(context.Background(), service, u.Host, mcpprobe.TLS{})
	if res.Outcome != mcpprobe.OutcomeReady || res.Server.Name != "pod" {
		t.Fatalf("via the pod: %s %q (%s)", res.Outcome, res.Server.Name, res.Message)
	}

	o, err := url.Parse(other.URL)
	if err != nil {
		t.Fatal(err)
	}
	resolver := mcpprobe.NewResolver()
	if err := resolver.Set("weather.team.svc.cluster.local:8080:" + o.Host); err != nil {
		t.Fatal(err)
	}
	res = mcpprobe.New(mcpprobe.Config{Resolver: resolver}).ProbeVia(context.Background(), "http://weather.team.svc.cluster.local:8080"+o.Path, "10.0.0.1:8080", mcpprobe.TLS{})
	if res.Outcome != mcpprobe.OutcomeReady || res.Server.Name != "other" {
		t.Fatalf("with a resolver entry for the Service: %s %q (%s)", res.Outcome, res.Server.Name, res.Message)
	}
	if err := resolver.Set("10.0.0.1:8080:" + u.Host); err != nil {
		t.Fatal(err)
	}
	res = mcpprobe.New(mcpprobe.Config{Resolver: resolver}).ProbeVia(context.Background(), "http://weather.team.svc.cluster.local:8080"+u.Path, "10.0.0.1:8080", mcpprobe.TLS{})
	if res.Outcome != mcpprobe.OutcomeReady || res.Server.Name != "pod" {
		t.Fatalf("with a resolver entry for the pod: %s %q (%s)", res.Outcome, res.Server.Name, res.Message)
	}
}
