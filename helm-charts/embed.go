// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package helmcharts embeds the Helm charts the operator renders, so that the binary carries
// them and needs no chart repository at run time.
package helmcharts

import "embed"

// MCPServer holds the mcp-server chart, under the folder "mcp-server".
//
//go:embed all:mcp-server
var MCPServer embed.FS

// MCPServerDir is the chart's folder inside MCPServer.
const MCPServerDir = "mcp-server"
