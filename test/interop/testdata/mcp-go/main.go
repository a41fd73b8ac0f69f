// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// An mcp-go MCP server for the interop suite, built against the mcp-go release under test (the
// suite writes its go.mod): one tool, on Streamable HTTP at /mcp or on the HTTP+SSE transport
// of 2024-11-05 at /sse.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	name := flag.String("name", "mcp-go", "server name")
	version := flag.String("version", "dev", "server version")
	transport := flag.String("transport", "streamable", "streamable or sse")
	flag.Parse()

	s := server.NewMCPServer(*name, *version, server.WithToolCapabilities(false))
	s.AddTool(mcp.NewTool("echo", mcp.WithDescription("Echoes its input"), mcp.WithString("text", mcp.Description("the text to echo"))),
		func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(fmt.Sprint(req.GetArguments()["text"])), nil
		})
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var handler http.Handler
	if *transport == "sse" {
		handler = server.NewSSEServer(s, server.WithBaseURL("http://"+l.Addr().String()))
	} else {
		handler = server.NewStreamableHTTPServer(s)
	}
	fmt.Println("listening on", l.Addr())
	fmt.Fprintln(os.Stderr, http.Serve(l, handler))
	os.Exit(1)
}
