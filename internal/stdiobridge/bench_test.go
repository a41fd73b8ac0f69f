// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/stdiobridge"
)

// BenchmarkToolCall is one tools/call of echo, from go-sdk's client to the same go-sdk stdio
// server: straight over its stdio (what a local MCP host does), through the bridge in each
// mode, and, for the cost of HTTP itself, to the server's tools served natively over
// streamable HTTP. The bridge's added latency is bridged minus native HTTP.
func BenchmarkToolCall(b *testing.B) {
	b.Setenv(childModeEnv, "server")
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	connect := func(b *testing.B, transport mcp.Transport) *mcp.ClientSession {
		s, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil).Connect(context.Background(), transport, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		return s
	}
	bridged := func(b *testing.B, sessions stdiobridge.Sessions) mcp.Transport {
		br, err := stdiobridge.New(stdiobridge.Options{Command: []string{self}, Sessions: sessions, Log: quietLog()})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(br)
		b.Cleanup(func() { srv.Close(); br.Close() })
		return &mcp.StreamableClientTransport{Endpoint: srv.URL}
	}
	for _, c := range []struct {
		name      string
		transport func(b *testing.B) mcp.Transport
	}{
		{"stdio", func(*testing.B) mcp.Transport { return &mcp.CommandTransport{Command: exec.Command(self)} }},
		{"native-http", func(b *testing.B) mcp.Transport {
			server := mcp.NewServer(&mcp.Implementation{Name: "native", Version: "1"}, nil)
			mcp.AddTool(server, &mcp.Tool{Name: "echo"}, func(_ context.Context, _ *mcp.CallToolRequest, in textInput) (*mcp.CallToolResult, textInput, error) {
				return nil, in, nil
			})
			srv := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil))
			b.Cleanup(srv.Close)
			return &mcp.StreamableClientTransport{Endpoint: srv.URL}
		}},
		{"bridge-PerSession", func(b *testing.B) mcp.Transport { return bridged(b, stdiobridge.PerSession) }},
		{"bridge-Shared", func(b *testing.B) mcp.Transport { return bridged(b, stdiobridge.Shared) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := connect(b, c.transport(b))
			params := &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "hello"}}
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.CallTool(context.Background(), params); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSessionMemory opens sessions through the bridge and reports what each costs: the
// bridge's own heap per session, and in PerSession mode the resident memory of each session's
// server process (the go-sdk test server here; a real server's own figure replaces it).
func BenchmarkSessionMemory(b *testing.B) {
	const sessions = 50
	b.Setenv(childModeEnv, "server")
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []stdiobridge.Sessions{stdiobridge.Shared, stdiobridge.PerSession} {
		b.Run(string(mode), func(b *testing.B) {
			for b.Loop() {
				br, err := stdiobridge.New(stdiobridge.Options{Command: []string{self}, Sessions: mode, MaxSessions: sessions, Log: quietLog()})
				if err != nil {
					b.Fatal(err)
				}
				srv := httptest.NewServer(br)
				open := func() {
					resp, err := http.Post(srv.URL, "application/json", strings.NewReader(initializeBody))
					if err != nil || resp.StatusCode != http.StatusOK {
						b.Fatalf("initialize: %v %v", resp, err)
					}
					resp.Body.Close()
				}
				open() // the shared process, and the HTTP server's first connection
				before := heap()
				for range sessions - 1 {
					open()
				}
				b.ReportMetric(float64(heap()-before)/float64(sessions-1), "bridge-heap-B/session")
				if mode == stdiobridge.PerSession {
					b.ReportMetric(float64(childrenRSS())/float64(sessions), "server-RSS-B/session")
				}
				srv.Close()
				br.Close()
			}
		})
	}
}

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// childrenRSS sums the resident memory of this binary's running children.
func childrenRSS() uint64 {
	var total uint64
	for _, pid := range childrenLeft() {
		raw, err := os.ReadFile("/proc/" + pid + "/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(raw), "\n") {
			var kb uint64
			if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
				total += kb << 10
			}
		}
	}
	return total
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
