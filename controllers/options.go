// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/mcp-operator/mcp-operator/internal/handshake"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/platform"
)

// Options configure the operator's controllers.
type Options struct {
	// ClusterDomain is the DNS suffix of Services (cluster.local).
	ClusterDomain string
	// AdminValues is the ConfigMap holding admin defaults and overrides.
	AdminValues types.NamespacedName
	// MaxConcurrentReconciles bounds parallel reconciles of MCPServers.
	MaxConcurrentReconciles int
	// Handshakes configures the MCP handshake scheduler.
	Handshakes handshake.Options
	// Probe configures each handshake (timeout, limits, --resolve overrides).
	Probe mcpprobe.Config
	// EventSource names the operator as the reporter of its events.
	EventSource string
	// WatchNamespaces limits the operator to these namespaces; empty means all.
	WatchNamespaces []string
	// Platform tells whether the cluster serves the Route API; nil: one is made, rechecking
	// every RouteAPIRecheck.
	Platform *platform.Detector
	// NetworkPolicyDefaultPosture is open or restricted: what the NetworkPolicy of a server
	// whose spec says nothing allows (render.PostureOpen when empty).
	NetworkPolicyDefaultPosture string
	// StdioBridgeImage holds /mcp-stdio-bridge, for stdio servers (the operator's own image);
	// empty: stdio servers are refused in Accepted.
	StdioBridgeImage string
	// RouteAPIRecheck is how often, at most, discovery is asked again for the Route API while an
	// MCPServer wants a Route that the cluster did not serve (default 1m).
	RouteAPIRecheck time.Duration
}
