// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// rpcServer answers each JSON-RPC POST with what answer returns for its method and headers
// (an HTTP status and a JSON body); notifications get 202, and a successful initialize opens
// a session.
func rpcServer(t *testing.T, answer func(method string, h http.Header, id json.RawMessage) (int, string)) string {
	return serveHTTP(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if req.ID == nil {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		status, body := answer(req.Method, r.Header, req.ID)
		if req.Method == "initialize" && status == http.StatusOK {
			w.Header().Set("Mcp-Session-Id", "session-1")
		}
		w.Header().Set("Content-Type", "application/json")
		if status == http.StatusBadRequest && !strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "text/plain")
		}
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, body)
	})
}

// legacyServer is a 2025-06-18 server as the TypeScript SDK's v1 serves it: initialize opens a
// session, and any other request without the session is refused with HTTP 400.
func legacyServer(t *testing.T, tools string) string {
	return rpcServer(t, func(method string, h http.Header, id json.RawMessage) (int, string) {
		switch {
		case method == "initialize":
			return 200, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"legacy","version":"1.13.3"}}}`, id)
		case h.Get("Mcp-Session-Id") == "":
			return 400, "Bad Request: No valid session ID provided"
		case method == "tools/list":
			return 200, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"tools":%s}}`, id, tools)
		default:
			return 200, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{}}`, id)
		}
	})
}

// modernServer is a 2026-07-28 server that serves only that revision: server/discover, then
// stateless requests; initialize is refused as a modern-only endpoint refuses it.
func modernServer(t *testing.T, capabilities, tools string, ttlMs int) string {
	return rpcServer(t, func(method string, h http.Header, id json.RawMessage) (int, string) {
		if h.Get("Mcp-Protocol-Version") != "2026-07-28" || h.Get("Mcp-Method") != method {
			return 400, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32004,"message":"unsupported protocol version","data":{"supported":["2026-07-28"]}}}`, id)
		}
		switch method {
		case "server/discover":
			return 200, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":%s,"ttlMs":0,"cacheScope":"public","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"modern","version":"2.4.0"}}}}`, id, capabilities)
		case "tools/list":
			return 200, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"complete","tools":%s,"ttlMs":%d,"cacheScope":"public"}}`, id, tools, ttlMs)
		default:
			return 404, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"method not found"}}`, id)
		}
	})
}

// TestProbeDiscoversAModernServer: a go-sdk server of 2026-07-28 (which go-sdk serves only
// statelessly) is met with server/discover;
// the probe records the revision spoken, the revisions the server listed, and the lifetime of
// its tool list.
func TestProbeDiscoversAModernServer(t *testing.T) {
	s := startMCP(t, mcptest.ServerOptions{Name: "modern", Version: "1.8.0", Tools: []string{"echo"}, Stateless: true})
	res := probe(t, s.URL, mcpprobe.Config{})
	if res.Outcome != mcpprobe.OutcomeReady {
		t.Fatalf("outcome %s (%s), want Ready", res.Outcome, res.Message)
	}
	if res.Server.ProtocolVersion != mcpprobe.ModernProtocolVersion || !res.Server.Modern() {
		t.Errorf("protocol %q, want %s", res.Server.ProtocolVersion, mcpprobe.ModernProtocolVersion)
	}
	if want := []string{"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}; !slices.Equal(res.Server.SupportedVersions, want) {
		t.Errorf("supported versions %v, want %v", res.Server.SupportedVersions, want)
	}
	if res.Server.Name != "modern" || res.Tools == nil || res.Tools.Count != 1 || !res.Tools.HasTTL {
		t.Errorf("server %+v tools %+v: want the name, one tool and a tool-list lifetime", res.Server, res.Tools)
	}
}

// TestProbeFallsBackToInitialize: a server of an earlier revision, which refuses anything but
// initialize without a session, is verified through initialize; it lists no revisions and no
// tool-list lifetime.
func TestProbeFallsBackToInitialize(t *testing.T) {
	url := legacyServer(t, `[{"name":"forecast","inputSchema":{"type":"object"}}]`)
	res := probe(t, url, mcpprobe.Config{})
	if res.Outcome != mcpprobe.OutcomeReady {
		t.Fatalf("outcome %s (%s), want Ready through initialize", res.Outcome, res.Message)
	}
	if res.Server.ProtocolVersion != "2025-06-18" || res.Server.Modern() || res.Server.SupportedVersions != nil {
		t.Errorf("server %+v, want 2025-06-18 with no discovered versions", res.Server)
	}
	if res.Tools == nil || res.Tools.Count != 1 || res.Tools.HasTTL || len(res.Deprecated) != 0 {
		t.Errorf("tools %+v deprecated %v", res.Tools, res.Deprecated)
	}
}

// TestProbeSpeaksToAModernOnlyServer: a server that refuses initialize altogether is verified
// statelessly, every request carrying the revision and method headers it checks; ttlMs is the
// tool list's lifetime.
func TestProbeSpeaksToAModernOnlyServer(t *testing.T) {
	url := modernServer(t, `{"tools":{}}`, `[{"name":"radar","inputSchema":{"type":"object"}}]`, 90000)
	res := probe(t, url, mcpprobe.Config{})
	if res.Outcome != mcpprobe.OutcomeReady {
		t.Fatalf("outcome %s (%s), want Ready", res.Outcome, res.Message)
	}
	if res.Server.Name != "modern" || res.Server.Version != "2.4.0" || !slices.Equal(res.Server.SupportedVersions, []string{"2026-07-28"}) {
		t.Errorf("server %+v", res.Server)
	}
	if res.Tools == nil || res.Tools.Count != 1 || !res.Tools.HasTTL || res.Tools.TTL != 90*time.Second {
		t.Errorf("tools %+v, want one with a 90 s lifetime", res.Tools)
	}
}

// TestToolDigestIgnoresOrder: the same tools, listed in another order and with their schemas'
// keys in another order, by servers of two revisions, have one digest; another description
// changes it.
func TestToolDigestIgnoresOrder(t *testing.T) {
	a := `[{"name":"alerts","inputSchema":{"type":"object","properties":{"zone":{"type":"string"},"level":{"type":"integer"}}}},{"name":"radar","description":"Radar images","inputSchema":{"type":"object"}}]`
	b := `[{"description":"Radar images","name":"radar","inputSchema":{"type":"object"}},{"inputSchema":{"properties":{"level":{"type":"integer"},"zone":{"type":"string"}},"type":"object"},"name":"alerts"}]`
	changed := strings.Replace(b, "Radar images", "Radar loops", 1)
	legacy := probe(t, legacyServer(t, a), mcpprobe.Config{})
	modern := probe(t, modernServer(t, `{"tools":{}}`, b, 60000), mcpprobe.Config{})
	other := probe(t, modernServer(t, `{"tools":{}}`, changed, 60000), mcpprobe.Config{})
	for _, r := range []mcpprobe.Result{legacy, modern, other} {
		if r.Outcome != mcpprobe.OutcomeReady || r.Tools == nil {
			t.Fatalf("outcome %s (%s)", r.Outcome, r.Message)
		}
	}
	if legacy.Tools.Digest != modern.Tools.Digest {
		t.Errorf("digests %s and %s differ for the same tools in another order", legacy.Tools.Digest, modern.Tools.Digest)
	}
	if other.Tools.Digest == modern.Tools.Digest {
		t.Error("a changed description kept the digest")
	}
}

// TestProbeNotesDeprecatedFeatures: the logging capability and the HTTP+SSE transport are
// reported; they do not fail the probe.
func TestProbeNotesDeprecatedFeatures(t *testing.T) {
	logging := probe(t, modernServer(t, `{"tools":{},"logging":{}}`, `[]`, 0), mcpprobe.Config{})
	if logging.Outcome != mcpprobe.OutcomeReady || !slices.Equal(logging.Deprecated, []mcpprobe.DeprecatedFeature{mcpprobe.DeprecatedLogging}) {
		t.Errorf("logging server: outcome %s (%s), deprecated %v", logging.Outcome, logging.Message, logging.Deprecated)
	}
	sse := startMCP(t, mcptest.ServerOptions{Name: "sse", Version: "1", Tools: []string{"echo"}, SSE: true})
	res := probe(t, sse.URL, mcpprobe.Config{})
	if res.Outcome != mcpprobe.OutcomeReady || len(res.Deprecated) == 0 || res.Deprecated[0] != mcpprobe.DeprecatedSSETransport {
		t.Errorf("SSE server: outcome %s (%s), deprecated %v", res.Outcome, res.Message, res.Deprecated)
	}
	plain := probe(t, modernServer(t, `{"tools":{}}`, `[]`, 0), mcpprobe.Config{})
	if len(plain.Deprecated) != 0 {
		t.Errorf("a Streamable HTTP server with tools only: deprecated %v", plain.Deprecated)
	}
}

// TestFailureNamesBothAnswers: a server that refuses server/discover and initialize alike for
// different reasons is failed with what initialize met, and the discover answer beside it.
func TestFailureNamesBothAnswers(t *testing.T) {
	url := rpcServer(t, func(method string, _ http.Header, id json.RawMessage) (int, string) {
		if method == "server/discover" {
			return 400, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32004,"message":"unsupported protocol version","data":{"supported":["2099-01-01"]}}}`, id)
		}
		return 500, "internal error"
	})
	res := probe(t, url, mcpprobe.Config{})
	if res.Outcome != mcpprobe.OutcomeFailed || !strings.Contains(res.Message, "HTTP 500") || !strings.Contains(res.Message, "server/discover (MCP 2026-07-28) was answered with HTTP 400") {
		t.Errorf("outcome %s: %s", res.Outcome, res.Message)
	}
}

// TestProbeNotesServerRequests: a server that asks the operator for sampling and for its roots
// while it answers tools/list (on the response's event stream, as Streamable HTTP allows) uses
// two features 2026-07-28 deprecates; the probe refuses both requests, is answered, and reports
// them.
func TestProbeNotesServerRequests(t *testing.T) {
	url := serveHTTP(t, func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Mcp-Session-Id", "s")
		switch {
		case req.ID == nil || req.Method == "": // a notification, or the client's answer to a request
			w.WriteHeader(http.StatusAccepted)
		case req.Method == "initialize":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"asking","version":"1"}}}`, req.ID)
		case req.Method == "tools/list":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"sampling/createMessage\",\"params\":{\"messages\":[],\"maxTokens\":1}}\n\n")
			fmt.Fprint(w, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"s2\",\"method\":\"roots/list\",\"params\":{}}\n\n")
			fmt.Fprintf(w, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":[]}}\n\n", req.ID)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	})
	res := probe(t, url, mcpprobe.Config{})
	want := []mcpprobe.DeprecatedFeature{mcpprobe.DeprecatedSampling, mcpprobe.DeprecatedRoots}
	if res.Outcome != mcpprobe.OutcomeReady || !slices.Equal(res.Deprecated, want) {
		t.Errorf("outcome %s (%s), deprecated %v, want Ready with %v", res.Outcome, res.Message, res.Deprecated, want)
	}
}
