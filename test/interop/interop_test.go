// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package interop_test verifies, with the operator's own probe, MCP servers of every protocol
// revision from 2024-11-05 to 2026-07-28: real releases of go-sdk, mcp-go and the TypeScript
// SDK (both lines), published servers from npm, and servers that require authorization or
// misbehave. It writes the matrix it proves to docs/interop.md and fails when that file says
// something else (`make interop-docs` rewrites it).
package interop_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
)

// server is one row of the matrix: what runs, and what the probe must find.
type server struct {
	// Name and Release say which implementation, at which release.
	Name, Release string
	// Served says how it is served (transport, sessions, options).
	Served string
	// start runs the server and returns its MCP endpoint.
	start func(t *testing.T) string
	want  verdict
}

// verdict is what the probe must find.
type verdict struct {
	Outcome  mcpprobe.Outcome
	Reason   mcpprobe.FailureReason
	Protocol string
	// Transport is the transport the probe spoke: "streamable-http" or "sse".
	Transport string
	// Supported are the revisions server/discover lists (modern servers only).
	Supported []string
	// Tools: at least this many tools, among them Tool.
	Tools int
	Tool  string
	// TTL is the tool-list lifetime a modern server gives (0: stale at once).
	TTL        time.Duration
	Deprecated []mcpprobe.DeprecatedFeature
	// Message is a part of the message a failure or an authorization requirement must have.
	Message string
}

// matrix is every server the suite verifies, in the order docs/interop.md lists them.
func matrix() []server {
	const (
		goSDK = "github.com/modelcontextprotocol/go-sdk"
		mcpGo = "github.com/mark3labs/mcp-go"
	)
	ready := func(protocol, transport string) verdict {
		return verdict{Outcome: mcpprobe.OutcomeReady, Protocol: protocol, Transport: transport, Tools: 1, Tool: "echo"}
	}
	logging := func(v verdict) verdict {
		v.Deprecated = append(v.Deprecated, mcpprobe.DeprecatedLogging)
		return v
	}
	sse := func(v verdict) verdict {
		v.Deprecated = append([]mcpprobe.DeprecatedFeature{mcpprobe.DeprecatedSSETransport}, v.Deprecated...)
		return v
	}
	modern := func(v verdict, supported ...string) verdict {
		v.Supported = supported
		return v
	}
	allRevisions := []string{"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}
	return []server{
		{Name: "go-sdk", Release: "v1.1.0", Served: "Streamable HTTP, sessions",
			start: goSDKServer(goSDK, "v1.1.0", "streamable"), want: logging(ready("2025-06-18", "streamable-http"))},
		{Name: "go-sdk", Release: "v1.1.0", Served: "HTTP+SSE",
			start: goSDKServer(goSDK, "v1.1.0", "sse"), want: sse(logging(ready("2025-06-18", "sse")))},
		{Name: "go-sdk", Release: "v1.4.1", Served: "Streamable HTTP, sessions",
			start: goSDKServer(goSDK, "v1.4.1", "streamable"), want: logging(ready("2025-11-25", "streamable-http"))},
		{Name: "go-sdk", Release: "v1.8.0", Served: "Streamable HTTP, sessions",
			start: goSDKServer(goSDK, "v1.8.0", "streamable"), want: logging(ready("2025-11-25", "streamable-http"))},
		{Name: "go-sdk", Release: "v1.8.0", Served: "Streamable HTTP, stateless",
			start: goSDKServer(goSDK, "v1.8.0", "stateless"), want: modern(logging(ready("2026-07-28", "streamable-http")), allRevisions...)},
		{Name: "mcp-go", Release: "v0.32.0", Served: "HTTP+SSE",
			start: mcpGoServer(mcpGo, "v0.32.0", "sse"), want: sse(ready("2025-03-26", "sse"))},
		{Name: "mcp-go", Release: "v0.32.0", Served: "Streamable HTTP",
			start: mcpGoServer(mcpGo, "v0.32.0", "streamable"), want: ready("2025-03-26", "streamable-http")},
		{Name: "mcp-go", Release: "v0.43.2", Served: "Streamable HTTP",
			start: mcpGoServer(mcpGo, "v0.43.2", "streamable"), want: ready("2025-06-18", "streamable-http")},
		{Name: "mcp-go", Release: "v1.2.1", Served: "Streamable HTTP",
			start: mcpGoServer(mcpGo, "v1.2.1", "streamable"), want: modern(ready("2026-07-28", "streamable-http"), allRevisions...)},
		{Name: "@modelcontextprotocol/sdk", Release: "1.0.4", Served: "HTTP+SSE",
			start: typeScriptV1("1.0.4", "sse"), want: sse(ready("2024-11-05", "sse"))},
		{Name: "@modelcontextprotocol/sdk", Release: "1.10.2", Served: "Streamable HTTP, sessions",
			start: typeScriptV1("1.10.2", "streamable"), want: ready("2024-11-05", "streamable-http")},
		{Name: "@modelcontextprotocol/sdk", Release: "1.13.3", Served: "Streamable HTTP, sessions",
			start: typeScriptV1("1.13.3", "streamable"), want: ready("2025-06-18", "streamable-http")},
		{Name: "@modelcontextprotocol/sdk", Release: "1.32.2", Served: "Streamable HTTP, sessions",
			start: typeScriptV1("1.32.2", "streamable"), want: ready("2025-11-25", "streamable-http")},
		{Name: "@modelcontextprotocol/sdk", Release: "1.32.2", Served: "Streamable HTTP, DNS-rebinding protection: allowed Origins only",
			start: guardedTypeScript("", "https://app.example.com"), want: ready("2025-11-25", "streamable-http")},
		{Name: "@modelcontextprotocol/sdk", Release: "1.32.2", Served: "Streamable HTTP, DNS-rebinding protection: another Host only",
			start: guardedTypeScript("mcp.example.com", ""),
			want:  verdict{Outcome: mcpprobe.OutcomeFailed, Reason: mcpprobe.ReasonHTTPError, Message: "HTTP 403 Forbidden"}},
		{Name: "@modelcontextprotocol/server", Release: "2.4.0", Served: "createMcpHandler, 2025-era clients served statelessly",
			start: typeScriptV2("stateless", 120000), want: func() verdict {
				v := modern(ready("2026-07-28", "streamable-http"), "2026-07-28")
				v.TTL = 2 * time.Minute
				return v
			}()},
		{Name: "@modelcontextprotocol/server", Release: "2.4.0", Served: "createMcpHandler, 2026-07-28 only",
			start: typeScriptV2("reject", 0), want: modern(ready("2026-07-28", "streamable-http"), "2026-07-28")},
		{Name: "@modelcontextprotocol/server-everything", Release: "2026.8.31", Served: "streamableHttp",
			start: everything("streamableHttp"), want: logging(verdict{Outcome: mcpprobe.OutcomeReady, Protocol: "2025-11-25", Transport: "streamable-http", Tools: 10, Tool: "echo"})},
		{Name: "@modelcontextprotocol/server-everything", Release: "2026.8.31", Served: "sse",
			start: everything("sse"), want: sse(logging(verdict{Outcome: mcpprobe.OutcomeReady, Protocol: "2025-11-25", Transport: "sse", Tools: 10, Tool: "echo"}))},
		{Name: "kubernetes-mcp-server (OpenShift/Kubernetes MCP server)", Release: "0.0.67", Served: "--port",
			start: kubernetesMCPServer, want: logging(verdict{Outcome: mcpprobe.OutcomeReady, Protocol: "2025-11-25", Transport: "streamable-http", Tools: 10, Tool: "pods_list"})},
		{Name: "kubernetes-mcp-server (OpenShift/Kubernetes MCP server)", Release: "0.0.67", Served: "stdio, behind the operator's stdio bridge",
			start: bridged(kubernetesMCPStdio), want: logging(verdict{Outcome: mcpprobe.OutcomeReady, Protocol: "2025-11-25", Transport: "streamable-http", Tools: 10, Tool: "pods_list"})},
		{Name: "@modelcontextprotocol/server-everything", Release: "2026.8.31", Served: "stdio, behind the operator's stdio bridge",
			start: bridged(everythingStdio), want: logging(verdict{Outcome: mcpprobe.OutcomeReady, Protocol: "2025-11-25", Transport: "streamable-http", Tools: 10, Tool: "echo"})},
		{Name: "go-sdk auth middleware (RequireBearerToken) with RFC 9728 metadata", Release: "v1.8.0", Served: "Streamable HTTP behind a Bearer token",
			start: authServer, want: verdict{Outcome: mcpprobe.OutcomeAuthRequired, Reason: mcpprobe.ReasonHTTPError,
				Message: "names the authorization server https://login.example.com/realms/mcp"}},
		{Name: "HTML page (wrong content type)", Release: "-", Served: "200 text/html to every request",
			start: htmlServer, want: verdict{Outcome: mcpprobe.OutcomeFailed, Reason: mcpprobe.ReasonNotMCP, Message: `Content-Type "text/html`}},
		{Name: "Server that closes mid-stream", Release: "-", Served: "starts an event stream, then closes the connection",
			start: midStreamServer, want: verdict{Outcome: mcpprobe.OutcomeFailed, Reason: mcpprobe.ReasonConnectionLost, Message: "closed before the MCP handshake completed"}},
	}
}

// TestInteropMatrix probes every server of the matrix and checks the verdict, then holds
// docs/interop.md to the matrix (or writes it, with INTEROP_WRITE_DOCS=1).
func TestInteropMatrix(t *testing.T) {
	prober := mcpprobe.New(mcpprobe.Config{})
	servers := matrix()
	rows := make([]string, len(servers))
	for i, s := range servers {
		t.Run(s.Name+" "+s.Release+" "+s.Served, func(t *testing.T) {
			url := s.start(t)
			res := prober.Probe(context.Background(), url, mcpprobe.TLS{})
			if problems := s.want.check(res); len(problems) > 0 {
				t.Errorf("%s %s (%s) at %s: %s\nthe probe found: %s %s %q via %s, server %+v, tools %+v, deprecated %v",
					s.Name, s.Release, s.Served, url, strings.Join(problems, "; "),
					res.Outcome, res.Reason, res.Message, res.Transport, res.Server, res.Tools, res.Deprecated)
			}
			rows[i] = s.row()
		})
	}
	if t.Failed() {
		return
	}
	if slices.Contains(rows, "") {
		t.Log("a server was skipped, so docs/interop.md is not checked")
		return
	}
	checkDocs(t, render(rows))
}

// check lists how res differs from v.
func (v verdict) check(res mcpprobe.Result) []string {
	var problems []string
	want := func(ok bool, format string, args ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	want(res.Outcome == v.Outcome, "outcome %s, want %s", res.Outcome, v.Outcome)
	want(v.Reason == "" || res.Reason == v.Reason, "reason %s, want %s", res.Reason, v.Reason)
	want(strings.Contains(res.Message, v.Message), "message %q, want it to say %q", res.Message, v.Message)
	if v.Outcome != mcpprobe.OutcomeReady {
		return problems
	}
	want(res.Server.ProtocolVersion == v.Protocol, "protocol %s, want %s", res.Server.ProtocolVersion, v.Protocol)
	want(res.Transport == v.Transport, "transport %s, want %s", res.Transport, v.Transport)
	want(slices.Equal(res.Server.SupportedVersions, v.Supported), "supported versions %v, want %v", res.Server.SupportedVersions, v.Supported)
	want(slices.Equal(res.Deprecated, v.Deprecated), "deprecated %v, want %v", res.Deprecated, v.Deprecated)
	if v.Tools > 0 {
		ok := res.Tools != nil && res.Tools.Count >= v.Tools && slices.Contains(res.Tools.Names, v.Tool)
		want(ok, "tools %+v, want at least %d with %s", res.Tools, v.Tools, v.Tool)
	}
	modern := v.Protocol >= mcpprobe.ModernProtocolVersion
	if res.Tools != nil {
		want(res.Tools.HasTTL == modern, "tool-list lifetime given: %v, want %v (only 2026-07-28 servers give one)", res.Tools.HasTTL, modern)
		want(!modern || res.Tools.TTL == v.TTL, "tool-list lifetime %s, want %s", res.Tools.TTL, v.TTL)
	}
	return problems
}

// row is the server's line of the matrix, from what the test checked (the expectation it
// holds the probe to, not a measurement that could vary between runs).
func (s server) row() string {
	v := s.want
	verdict := string(v.Outcome)
	if v.Outcome == mcpprobe.OutcomeFailed {
		verdict += " (" + string(v.Reason) + ")"
	}
	protocol, transport := v.Protocol, v.Transport
	if v.Outcome != mcpprobe.OutcomeReady {
		protocol, transport = "-", "-"
	}
	var notes []string
	if len(v.Supported) > 0 {
		notes = append(notes, "discovered: "+strings.Join(v.Supported, ", "))
	}
	if v.Protocol >= mcpprobe.ModernProtocolVersion {
		notes = append(notes, fmt.Sprintf("tools/list ttlMs %d", v.TTL.Milliseconds()))
	}
	if len(v.Deprecated) > 0 {
		names := make([]string, len(v.Deprecated))
		for i, d := range v.Deprecated {
			names[i] = string(d)
		}
		notes = append(notes, "deprecated: "+strings.Join(names, ", "))
	}
	if v.Message != "" && v.Outcome != mcpprobe.OutcomeReady {
		notes = append(notes, "says: "+v.Message)
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |", s.Name, s.Release, s.Served, protocol, transport, verdict,
		strings.ReplaceAll(strings.Join(notes, "; "), "|", `\|`))
}

const docsHeader = `# MCP interoperability matrix

Written by the interop suite (` + "`test/interop`" + `, part of ` + "`make test`" + `; ` + "`make interop-docs`" + ` rewrites this
file). Every row is a real server the suite starts and verifies with the operator's own probe
(` + "`internal/mcpprobe`" + `), the code that decides ` + "`Verified`" + `: the suite fails when a verdict, the protocol
revision spoken, the transport, the revisions discovered or the deprecated features reported
differ from the row.

The probe asks ` + "`server/discover`" + ` first (MCP 2026-07-28, stateless) and falls back to ` + "`initialize`" + ` (asking
for 2025-11-25, which a server may negotiate down to 2024-11-05), and to the HTTP+SSE transport
when a Streamable HTTP POST is refused with 400, 404 or 405. **Protocol** is the revision the
probe and the server spoke; **Transport** the transport that worked.

| Server | Release | Served as | Protocol | Transport | Verdict | Notes |
| --- | --- | --- | --- | --- | --- | --- |
`

// render is docs/interop.md for the rows.
func render(rows []string) string {
	return docsHeader + strings.Join(rows, "\n") + "\n"
}

// checkDocs holds docs/interop.md to the matrix, or writes it when INTEROP_WRITE_DOCS=1.
func checkDocs(t *testing.T, want string) {
	t.Helper()
	path := filepath.Join("..", "..", "docs", "interop.md")
	if os.Getenv("INTEROP_WRITE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/interop.md does not say what the suite proves; run `make interop-docs`. It should read:\n%s", want)
	}
}
