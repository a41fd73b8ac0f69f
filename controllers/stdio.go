// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"fmt"
	"strings"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// stdioBridgeMount is where the server's container finds the bridge; the chart mounts it there.
const stdioBridgeMount = "/mcp-bridge"

// stdioProblems: what keeps a stdio server (spec.stdio) from running behind the bridge.
func stdioProblems(server *mcpv1beta1.MCPServer, haveBridge bool) []string {
	st := server.Spec.Stdio
	if st == nil {
		return nil
	}
	var problems []string
	if !haveBridge {
		problems = append(problems, "spec.stdio: this operator runs without a stdio bridge image (--stdio-bridge-image, "+
			"RELATED_IMAGE_STDIO_BRIDGE in its install manifests), so it cannot run stdio servers")
	}
	if len(st.Command) == 0 {
		problems = append(problems, "spec.stdio.command is needed: the command that starts the stdio server "+
			"(for example [\"npx\", \"-y\", \"@scope/server\"]); the operator does not guess it")
	}
	for i, s := range server.Spec.Config.Storage {
		if s.Path == stdioBridgeMount || strings.HasPrefix(s.Path, stdioBridgeMount+"/") {
			problems = append(problems, fmt.Sprintf("spec.config.storage[%d].path: %s is where a stdio server's container finds the stdio bridge", i, stdioBridgeMount))
		}
	}
	return problems
}
