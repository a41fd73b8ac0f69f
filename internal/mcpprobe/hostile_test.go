// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
)

// hostileServer speaks just enough Streamable HTTP for the go-sdk client to get through the
// handshake, and lets a test decide what the initialize and tools/list results are. Anything
// it returns is written as it is, valid JSON or not.
type hostileServer struct {
	// initialize writes the result of initialize (the whole JSON-RPC response body).
	initialize func(w io.Writer, id json.RawMessage)
	// toolsPage writes the tools/list response for a cursor.
	toolsPage func(w io.Writer, id json.RawMessage, cursor string)
}

func (h hostileServer) start(t *testing.T) string {
	return serveHTTP(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				Cursor string `json:"cursor"`
			} `json:"params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Mcp-Session-Id", "hostile")
		if req.ID == nil { // a notification
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch req.Method {
		case "initialize":
			h.initialize(w, req.ID)
		case "tools/list":
			h.toolsPage(w, req.ID, req.Params.Cursor)
		default:
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{}}`, req.ID)
		}
	})
}

// initializeAs answers initialize for a server with tools and the given (raw JSON) name.
func initializeAs(rawName string) func(io.Writer, json.RawMessage) {
	return func(w io.Writer, id json.RawMessage) {
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":%s,"version":"1"}}}`, id, rawName)
	}
}

func toolsJSON(names []string) string {
	tools := make([]string, len(names))
	for i, n := range names {
		tools[i] = fmt.Sprintf(`{"name":%s,"inputSchema":{"type":"object"}}`, n)
	}
	return "[" + strings.Join(tools, ",") + "]"
}

// memoryOf runs f and returns how far the heap rose above where it started, sampled every
// millisecond while f runs (the hostile server's handler, in the same process, included).
func memoryOf(f func()) (peak int64) {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	start := int64(m.HeapAlloc)
	done := make(chan struct{})
	sampled := make(chan int64)
	go func() {
		highest := start
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			highest = max(highest, int64(m.HeapAlloc))
			select {
			case <-done:
				sampled <- highest
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	return <-sampled - start
}

// TestHostileServersCannotExhaustTheProbe: whatever a server sends, one probe reads at most its
// byte budget, ends within its timeout, keeps a bounded result, and explains the failure.
func TestHostileServersCannotExhaustTheProbe(t *testing.T) {
	const budget = 1 << 20
	endless := func(w io.Writer, id json.RawMessage, cursor string) {
		n := 0
		_, _ = fmt.Sscanf(cursor, "page-%d", &n)
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"tools":%s,"nextCursor":"page-%d"}}`, id, toolsJSON([]string{fmt.Sprintf(`"tool-%d"`, n)}), n+1)
	}
	thousands := make([]string, 5000)
	for i := range thousands {
		thousands[i] = fmt.Sprintf(`"tool-%04d-%s"`, i, strings.Repeat("x", 100))
	}
	tests := map[string]struct {
		server  hostileServer
		outcome mcpprobe.Outcome
		reason  mcpprobe.FailureReason
		check   func(t *testing.T, res mcpprobe.Result)
	}{
		"a response far larger than the budget": {
			server: hostileServer{initialize: func(w io.Writer, id json.RawMessage) {
				fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"`, id)
				chunk := strings.Repeat("A", 64<<10)
				for range 1600 { // 100 MiB
					if _, err := io.WriteString(w, chunk); err != nil {
						return
					}
				}
			}},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonResponseTooLarge,
		},
		"endless tools/list pages": {
			server:  hostileServer{initialize: initializeAs(`"pager"`), toolsPage: endless},
			outcome: mcpprobe.OutcomeReady,
			check: func(t *testing.T, res mcpprobe.Result) {
				if res.Tools == nil || !res.Tools.Truncated || res.Tools.Count != 50 {
					t.Errorf("tools %+v, want the listing to stop after 50 pages, truncated", res.Tools)
				}
			},
		},
		"deeply nested JSON": {
			server: hostileServer{initialize: func(w io.Writer, id json.RawMessage) {
				fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"experimental":{"x":%s1%s}},"serverInfo":{"name":"deep","version":"1"}}}`,
					id, strings.Repeat(`{"a":`, 100000), strings.Repeat("}", 100000))
			}},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonProtocolError,
		},
		"invalid UTF-8 in names": {
			server: hostileServer{initialize: initializeAs("\"bad \xff\xfe name\""), toolsPage: func(w io.Writer, id json.RawMessage, _ string) {
				fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"tools":%s}}`, id, toolsJSON([]string{"\"t\xc3\x28ool\"", `"fine"`}))
			}},
			outcome: mcpprobe.OutcomeReady,
			check: func(t *testing.T, res mcpprobe.Result) {
				if !utf8.ValidString(res.Server.Name) {
					t.Errorf("server name %q is not valid UTF-8", res.Server.Name)
				}
				if res.Tools == nil {
					t.Fatal("no tools")
				}
				for _, n := range res.Tools.Names {
					if !utf8.ValidString(n) {
						t.Errorf("tool name %q is not valid UTF-8", n)
					}
				}
			},
		},
		"thousands of tools in one page": {
			server: hostileServer{initialize: initializeAs(`"many"`), toolsPage: func(w io.Writer, id json.RawMessage, _ string) {
				fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"tools":%s}}`, id, toolsJSON(thousands))
			}},
			outcome: mcpprobe.OutcomeReady,
			check: func(t *testing.T, res mcpprobe.Result) {
				if res.Tools == nil || res.Tools.Count != 5000 || len(res.Tools.Names) != 100 || res.Tools.Digest == "" {
					t.Errorf("tools: count %d, %d names kept, digest %q; want 5000 counted, 100 kept, a digest",
						res.Tools.Count, len(res.Tools.Names), res.Tools.Digest)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			url := tc.server.start(t)
			var res mcpprobe.Result
			start := time.Now()
			peak := memoryOf(func() {
				res = probe(t, url, mcpprobe.Config{Timeout: 5 * time.Second, MaxResponseBytes: budget})
			})
			t.Logf("%s/%s in %s, heap rose %d bytes at most: %.200s", res.Outcome, res.Reason, time.Since(start), peak, res.Message)
			if res.Reason != tc.reason {
				t.Errorf("reason %q, want %q (%s)", res.Reason, tc.reason, res.Message)
			}
			if res.Outcome != tc.outcome {
				t.Errorf("outcome %s (%s), want %s", res.Outcome, res.Message, tc.outcome)
			}
			if res.Outcome == mcpprobe.OutcomeFailed && res.Message == "" {
				t.Error("a failure without an explanation")
			}
			if took := time.Since(start); took > 6*time.Second {
				t.Errorf("the probe took %s, past its 5s timeout", took)
			}
			if peak > 32*budget {
				t.Errorf("the heap rose by %d bytes during the probe, more than 32 times the %d byte budget", peak, budget)
			}
			if len(res.Message) > 2000 || len(res.Server.Name) > 1000 {
				t.Errorf("unbounded result: message %d bytes, server name %d bytes", len(res.Message), len(res.Server.Name))
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}
