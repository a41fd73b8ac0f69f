// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package prometheus embeds the operator's ServiceMonitor and PrometheusRule, so that the
// operator applies them itself where the cluster serves the Prometheus Operator's API: an OLM
// bundle holding them would fail to install everywhere else.
package prometheus

import _ "embed"

// Monitor and Rules are the manifests of this folder.
var (
	//go:embed monitor.yaml
	Monitor []byte
	//go:embed rules.yaml
	Rules []byte
)
