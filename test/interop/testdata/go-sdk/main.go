// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// A go-sdk MCP server for the interop suite, built against the go-sdk release under test (the
// suite writes its go.mod): one tool, on Streamable HTTP (stateful, or stateless: the only way
// go-sdk serves MCP 2026-07-28) or on the HTTP+SSE transport of 2024-11-05.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type echoInput struct {
	Text string `json:"text" jsonschema:"the text to echo"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	name := flag.String("name", "go-sdk", "server name")
	version := flag.String("version", "dev", "server version")
	transport := flag.String("transport", "streamable", "streamable, stateless or sse")
	flag.Parse()

	server := mcp.NewServer(&mcp.Implementation{Name: *name, Version: *version}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "echo", Description: "Echoes its input"},
		func(_ context.Context, _ *mcp.CallToolRequest, in echoInput) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: in.Text}}}, nil, nil
		})
	get := func(*http.Request) *mcp.Server { return server }
	var handler http.Handler
	switch *transport {
	case "sse":
		handler = mcp.NewSSEHandler(get, nil)
	case "stateless":
		handler = mcp.NewStreamableHTTPHandler(get, &mcp.StreamableHTTPOptions{Stateless: true})
	default:
		handler = mcp.NewStreamableHTTPHandler(get, nil)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("listening on", l.Addr())
	mux := http.NewServeMux()
	mux.Handle("/mcp", handler)
	fmt.Fprintln(os.Stderr, http.Serve(l, mux))
	os.Exit(1)
}
