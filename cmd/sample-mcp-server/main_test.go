// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestEchoPrefixesGreeting calls the sample server's tools as an MCP client would, over the
// go-sdk's in-memory transport.
func TestEchoPrefixesGreeting(t *testing.T) {
	for greeting, want := range map[string]string{"": "hello", "Hi! ": "Hi! hello"} {
		t.Setenv("GREETING", greeting)
		ctx := context.Background()
		serverTransport, clientTransport := mcp.NewInMemoryTransports()
		server, err := newServer("sample", "test", "").Connect(ctx, serverTransport, nil)
		if err != nil {
			t.Fatal(err)
		}
		session, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, clientTransport, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "hello"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Content[0].(*mcp.TextContent).Text; got != want {
			t.Errorf("GREETING=%q: echo answered %q, want %q", greeting, got, want)
		}
		_ = session.Close()
		_ = server.Wait()
	}
}
