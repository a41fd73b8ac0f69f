// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// The operator's own Prometheus metrics, served with controller-runtime's on the manager's
// metrics endpoint.
var (
	reconcileOutcomes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mcp_operator_reconcile_outcomes_total",
		Help: "MCPServer reconciles by outcome: ready, pending, invalid, conflict, render_error, apply_error, error.",
	}, []string{"outcome"})

	renderDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "mcp_operator_render_duration_seconds",
		Help:    "Time to render the mcp-server chart for one MCPServer.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14),
	})

	objectWrites = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mcp_operator_object_writes_total",
		Help: "Writes the operator made to objects it manages, by kind and verb (apply, delete, status).",
	}, []string{"kind", "verb"})

	adminValuesValid = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "mcp_operator_admin_values_valid",
		Help: "1 when the admin values ConfigMap is valid and in use, 0 when it is broken and the last good values are kept.",
	})

	// serverReady has one series per MCPServer, as kube-state-metrics has per object; the
	// MCPServerNotReady alert (config/prometheus) reads it.
	serverReady = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mcp_operator_mcpserver_ready",
		Help: "1 while an MCPServer's Ready condition is True, 0 otherwise; the series goes with the MCPServer.",
	}, []string{"namespace", "name"})
	rollbacks = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mcp_operator_rollbacks_total",
		Help: "Revisions rolled back because their pods were not verified within the deadline.",
	})
	adminValuesErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mcp_operator_admin_values_errors_total",
		Help: "Times the admin values ConfigMap was found invalid.",
	})
)

func init() {
	metrics.Registry.MustRegister(reconcileOutcomes, renderDuration, objectWrites,
		adminValuesValid, adminValuesErrors, serverReady, rollbacks)
}
