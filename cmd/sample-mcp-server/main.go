// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command sample-mcp-server is a small MCP server built on the MCP go-sdk: a working example of
// a server the operator runs, and the stand-in for real server images in the end-to-end suite
// and the demo. It serves Streamable HTTP at /mcp with three tools: echo, add and current_time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	listen := flag.String("listen", ":8080", "Address to listen on.")
	path := flag.String("path", "/mcp", "HTTP path of the MCP endpoint.")
	name := flag.String("name", "sample-mcp-server", "Server name reported in the initialize handshake.")
	version := flag.String("version", "0.1.0", "Server version reported in the initialize handshake.")
	allowAnyHost := flag.Bool("allow-any-host", false,
		"Accept any Host header even when listening on localhost. go-sdk servers on localhost refuse other Host "+
			"headers (DNS-rebinding protection); turn this on only to reach the server through a --resolve style "+
			"override, as the operator's local demo does. In a container the server listens on all addresses and needs no such flag.")
	flag.String("config", "", "Accepted and ignored, so that manifests written for servers that take a config file run unchanged.")
	scratch := flag.String("scratch-dir", "", "A folder the server writes a file into at start, and exits when it cannot, "+
		"as servers that cache on disk do (under a read-only root filesystem, such a folder needs an EmptyDir mounted).")
	without := flag.String("without-tool", "", "A tool not to offer (echo, add or current_time): a new version that drops a tool, for verified rollouts.")
	notMCP := flag.Bool("not-mcp", false, "Answer every request on the path with plain text: a port that is open but does not speak MCP.")
	flag.Parse()
	if *scratch != "" {
		if err := os.WriteFile(filepath.Join(*scratch, "sample-mcp-server.cache"), []byte("ok\n"), 0o600); err != nil {
			slog.Error("writing to the scratch folder", "error", err)
			os.Exit(1)
		}
	}

	var handler http.Handler = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return newServer(*name, *version, *without) },
		&mcp.StreamableHTTPOptions{DisableLocalhostProtection: *allowAnyHost})
	if *notMCP {
		handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello, I do not speak MCP\n")) })
	}
	mux := http.NewServeMux()
	mux.Handle(*path, handler)
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	slog.Info("serving MCP", "address", *listen, "path", *path, "name", *name)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		slog.Error("serving MCP", "error", err)
		os.Exit(1)
	}
}

type echoInput struct {
	Text string `json:"text" jsonschema:"the text to echo back"`
}

type addInput struct {
	A float64 `json:"a" jsonschema:"the first number"`
	B float64 `json:"b" jsonschema:"the second number"`
}

type addOutput struct {
	Sum float64 `json:"sum"`
}

type timeOutput struct {
	Now string `json:"now" jsonschema:"the current time, RFC 3339, UTC"`
}

// newServer builds the MCP server with its tools, except the one named without.
func newServer(name, version, without string) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: name, Version: version}, &mcp.ServerOptions{
		Instructions: "A sample server: echo text, add two numbers, or ask for the current time.",
	})
	// GREETING, when set, prefixes what echo answers: a small example of configuration by environment.
	greeting := os.Getenv("GREETING")
	if without != "echo" {
		mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Echoes the text it is given."},
			func(_ context.Context, _ *mcp.CallToolRequest, in echoInput) (*mcp.CallToolResult, echoInput, error) {
				out := echoInput{Text: greeting + in.Text}
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: out.Text}}}, out, nil
			})
	}
	if without != "add" {
		mcp.AddTool(s, &mcp.Tool{Name: "add", Description: "Adds two numbers."},
			func(_ context.Context, _ *mcp.CallToolRequest, in addInput) (*mcp.CallToolResult, addOutput, error) {
				sum := in.A + in.B
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprint(sum)}}}, addOutput{Sum: sum}, nil
			})
	}
	if without != "current_time" {
		mcp.AddTool(s, &mcp.Tool{Name: "current_time", Description: "Returns the current time in UTC."},
			func(_ context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, timeOutput, error) {
				now := time.Now().UTC().Format(time.RFC3339)
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: now}}}, timeOutput{Now: now}, nil
			})
	}
	return s
}
