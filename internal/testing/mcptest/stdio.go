// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcptest

import (
	"context"
	"fmt"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// StdioServerEnv, set in a test binary's environment, makes ServeStdioIfAsked serve MCP over
// stdio in place of the tests: a test's stdio server is its own binary, run again.
const StdioServerEnv = "MCPTEST_STDIO_SERVER"

// ServeStdioIfAsked, called first in TestMain, serves a go-sdk stdio server named
// "stdio-test" with the tool echo, and exits, when StdioServerEnv is set.
func ServeStdioIfAsked() {
	if os.Getenv(StdioServerEnv) == "" {
		return
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "stdio-test", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "echo", Description: "Echoes its input."},
		func(_ context.Context, _ *mcp.CallToolRequest, in echoInput) (*mcp.CallToolResult, echoInput, error) {
			return nil, in, nil
		})
	if err := server.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// StdioServerCommand is the command that runs the calling test binary as that stdio server;
// setenv sets StdioServerEnv for the child (testing.T's Setenv).
func StdioServerCommand(setenv func(key, value string)) ([]string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	setenv(StdioServerEnv, "1")
	return []string{self}, nil
}
