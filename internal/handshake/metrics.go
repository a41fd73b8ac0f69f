// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package handshake

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// The handshakes' Prometheus metrics, served with controller-runtime's on the manager's
// metrics endpoint.
var (
	handshakeDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "mcp_operator_handshake_duration_seconds",
		Help:    "Duration of MCP handshakes (initialize and tools/list), by outcome.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
	}, []string{"outcome"})

	handshakeFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mcp_operator_handshake_failures_total",
		Help: "Failed MCP handshakes, by reason (ConnectionRefused, Timeout, HTTPError, NotMCP, ...).",
	}, []string{"reason"})
)

func init() {
	metrics.Registry.MustRegister(handshakeDuration, handshakeFailures)
}
