// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package mcptest starts real MCP servers (go-sdk) on loopback for tests: the same code an MCP
// server in a container would run, so the operator's handshake meets the real protocol.
package mcptest

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// ServerOptions describe a test MCP server.
type ServerOptions struct {
	Name, Version, Instructions string
	// Tools are the names of the tools it offers (each echoes its input).
	Tools []string
	// PageSize is the tools/list page size; 0 means go-sdk's default.
	PageSize int
	// SSE serves the older HTTP+SSE transport instead of Streamable HTTP.
	SSE bool
	// Stateless serves Streamable HTTP without sessions, the only way go-sdk serves MCP
	// 2026-07-28 (server/discover); a stateful server answers discovery with the earlier
	// revisions only, and clients fall back to initialize.
	Stateless bool
	// KeepLocalhostProtection leaves go-sdk's DNS-rebinding protection on: requests whose Host
	// header is not localhost get HTTP 403.
	KeepLocalhostProtection bool
	// Path is where the MCP endpoint is served; "" means /mcp.
	Path string
	// TLS, when set, serves HTTPS with this certificate (see NewTestCA).
	TLS *tls.Certificate
}

// Server is a running MCP server on loopback.
type Server struct {
	// Addr is the host:port it listens on.
	Addr string
	// URL is its MCP endpoint on Addr.
	URL string

	mu       sync.Mutex
	mcp      *mcp.Server
	listener net.Listener
	http     *http.Server
	opts     ServerOptions
	// opened and open count the connections accepted so far and those not closed yet.
	opened, open int
	// requests counts the HTTP requests served so far.
	requests int
}

// echoInput is the argument of every test tool.
type echoInput struct {
	Text string `json:"text" jsonschema:"the text to echo"`
}

// Start starts a server on 127.0.0.1 with a free port.
func Start(opts ServerOptions) (*Server, error) {
	return StartOn("127.0.0.1:0", opts)
}

// StartOn starts a server on addr, for example again on the address of one that was stopped.
func StartOn(addr string, opts ServerOptions) (*Server, error) {
	if opts.Path == "" {
		opts.Path = "/mcp"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: l.Addr().String(), listener: l, opts: opts}
	scheme := "http"
	if opts.TLS != nil {
		scheme = "https"
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{*opts.TLS}, MinVersion: tls.VersionTLS12})
	}
	s.URL = fmt.Sprintf("%s://%s%s", scheme, s.Addr, opts.Path)
	s.SetTools(opts.Tools)
	mux := http.NewServeMux()
	get := func(*http.Request) *mcp.Server {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.mcp
	}
	if opts.SSE {
		mux.Handle(opts.Path, mcp.NewSSEHandler(get, &mcp.SSEOptions{DisableLocalhostProtection: !opts.KeepLocalhostProtection}))
	} else {
		mux.Handle(opts.Path, mcp.NewStreamableHTTPHandler(get, &mcp.StreamableHTTPOptions{
			DisableLocalhostProtection: !opts.KeepLocalhostProtection, Stateless: opts.Stateless,
		}))
	}
	s.http = &http.Server{Handler: s.countRequests(mux), ConnState: s.countConnection}
	go func() { _ = s.http.Serve(l) }()
	return s, nil
}

// countConnection follows the connections' lifecycle for Connections.
func (s *Server) countConnection(_ net.Conn, state http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch state {
	case http.StateNew:
		s.opened++
		s.open++
	case http.StateClosed, http.StateHijacked:
		s.open--
	}
}

// countRequests counts every request next serves, for Requests.
func (s *Server) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// Requests says how many HTTP requests the server was sent so far.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Connections says how many connections clients opened to the server so far, and how many of
// them are still open.
func (s *Server) Connections() (opened, open int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened, s.open
}

// SetTools replaces the server's tools; new sessions see the new set.
func (s *Server) SetTools(tools []string) {
	server := mcp.NewServer(&mcp.Implementation{Name: s.opts.Name, Version: s.opts.Version},
		&mcp.ServerOptions{Instructions: s.opts.Instructions, PageSize: s.opts.PageSize})
	for _, name := range tools {
		mcp.AddTool(server, &mcp.Tool{Name: name, Description: "Echoes its input (" + name + ")."},
			func(_ context.Context, _ *mcp.CallToolRequest, in echoInput) (*mcp.CallToolResult, echoInput, error) {
				return nil, in, nil
			})
	}
	s.mu.Lock()
	s.mcp = server
	s.mu.Unlock()
}

// Stop closes the listener and every connection.
func (s *Server) Stop() {
	_ = s.http.Close()
}
