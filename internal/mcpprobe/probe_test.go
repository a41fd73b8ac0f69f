// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// TestMain fails the package when any test leaves a goroutine behind: a probe must not leak
// connections or sessions, whatever the server does.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func startMCP(t *testing.T, opts mcptest.ServerOptions) *mcptest.Server {
	t.Helper()
	s, err := mcptest.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func probe(t *testing.T, url string, cfg mcpprobe.Config) mcpprobe.Result {
	t.Helper()
	return mcpprobe.New(cfg).Probe(context.Background(), url, mcpprobe.TLS{})
}

func TestProbeReadsServerInfoAndPagedTools(t *testing.T) {
	s := startMCP(t, mcptest.ServerOptions{
		Name: "weather", Version: "2.1.0", Instructions: "Ask about the weather.",
		Tools: []string{"forecast", "alerts", "radar", "history", "uv-index"}, PageSize: 2,
	})
	res := probe(t, s.URL, mcpprobe.Config{})
	if res.Outcome != mcpprobe.OutcomeReady {
		t.Fatalf("outcome %s (%s), want Ready", res.Outcome, res.Message)
	}
	if res.Server.Name != "weather" || res.Server.Version != "2.1.0" || res.Server.Instructions != "Ask about the weather." {
		t.Errorf("server info %+v", res.Server)
	}
	if res.Server.ProtocolVersion == "" || !res.Server.Tools {
		t.Errorf("protocol version %q, tools capability %v", res.Server.ProtocolVersion, res.Server.Tools)
	}
	if res.Tools == nil || res.Tools.Count != 5 || res.Tools.Truncated {
		t.Fatalf("tools %+v, want 5 across three pages", res.Tools)
	}
	if got := strings.Join(res.Tools.Names, ","); got != "alerts,forecast,history,radar,uv-index" {
		t.Errorf("tool names %s", got)
	}
	if !strings.HasPrefix(res.Tools.Digest, "sha256:") {
		t.Errorf("digest %q", res.Tools.Digest)
	}
	if res.Transport != "streamable-http" {
		t.Errorf("transport %s", res.Transport)
	}
}

func TestProbeDigestFollowsToolChanges(t *testing.T) {
	s := startMCP(t, mcptest.ServerOptions{Name: "n", Version: "1", Tools: []string{"a", "b"}})
	first := probe(t, s.URL, mcpprobe.Config{})
	again := probe(t, s.URL, mcpprobe.Config{})
	s.SetTools([]string{"a", "b", "c"})
	changed := probe(t, s.URL, mcpprobe.Config{})
	if first.Tools.Digest != again.Tools.Digest {
		t.Error("the digest changed although the tools did not")
	}
	if first.Tools.Digest == changed.Tools.Digest || changed.Tools.Count != 3 {
		t.Errorf("the digest did not follow a new tool: %+v", changed.Tools)
	}
}

func TestProbeLimitsToolPagesAndNames(t *testing.T) {
	var tools []string
	for i := 0; i < 30; i++ {
		tools = append(tools, fmt.Sprintf("tool-%02d", i))
	}
	s := startMCP(t, mcptest.ServerOptions{Name: "many", Version: "1", Tools: tools, PageSize: 5})
	res := probe(t, s.URL, mcpprobe.Config{MaxToolPages: 3, MaxToolNames: 4})
	if res.Outcome != mcpprobe.OutcomeReady || res.Tools == nil {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Message)
	}
	if !res.Tools.Truncated || res.Tools.Count != 15 || len(res.Tools.Names) != 4 {
		t.Errorf("tools %+v, want 15 counted over 3 pages, truncated, 4 names kept", res.Tools)
	}
}

func TestProbeFallsBackToSSE(t *testing.T) {
	s := startMCP(t, mcptest.ServerOptions{Name: "legacy", Version: "0.9", Tools: []string{"ping"}, SSE: true})
	res := probe(t, s.URL, mcpprobe.Config{})
	if res.Outcome != mcpprobe.OutcomeReady || res.Transport != "sse" {
		t.Fatalf("outcome %s via %q (%s), want Ready via sse", res.Outcome, res.Transport, res.Message)
	}
	if res.Server.Name != "legacy" || res.Tools == nil || res.Tools.Count != 1 {
		t.Errorf("server %+v tools %+v", res.Server, res.Tools)
	}
}

func TestProbeThroughWildcardResolve(t *testing.T) {
	wildcard := startMCP(t, mcptest.ServerOptions{Name: "wildcard", Version: "1"})
	narrower := startMCP(t, mcptest.ServerOptions{Name: "narrower", Version: "1"})
	exact := startMCP(t, mcptest.ServerOptions{Name: "exact", Version: "1"})
	resolver := mcpprobe.NewResolver()
	for _, entry := range []string{
		"*.svc.cluster.local:8080:" + wildcard.Addr,
		"*.team.svc.cluster.local:8080:" + narrower.Addr,
		"one.team.svc.cluster.local:8080:" + exact.Addr,
	} {
		if err := resolver.Set(entry); err != nil {
			t.Fatal(err)
		}
	}
	for url, want := range map[string]string{
		"http://one.team.svc.cluster.local:8080/mcp":    "exact",
		"http://two.team.svc.cluster.local:8080/mcp":    "narrower",
		"http://three.other.svc.cluster.local:8080/mcp": "wildcard",
	} {
		res := probe(t, url, mcpprobe.Config{Resolver: resolver})
		if res.Outcome != mcpprobe.OutcomeReady || res.Server.Name != want {
			t.Errorf("%s: outcome %s, server %q (%s); want %s", url, res.Outcome, res.Server.Name, res.Message, want)
		}
	}
	if res := probe(t, "http://one.team.svc.cluster.local:9090/mcp", mcpprobe.Config{Resolver: resolver, Timeout: 2 * time.Second}); res.Outcome == mcpprobe.OutcomeReady {
		t.Error("an entry for port 8080 mapped port 9090")
	}
}

func TestProbeThroughResolveOverride(t *testing.T) {
	s := startMCP(t, mcptest.ServerOptions{Name: "resolved", Version: "1"})
	resolver := mcpprobe.NewResolver()
	if err := resolver.Set("srv.team.svc.cluster.local:8080:" + s.Addr); err != nil {
		t.Fatal(err)
	}
	res := probe(t, "http://srv.team.svc.cluster.local:8080/mcp", mcpprobe.Config{Resolver: resolver})
	if res.Outcome != mcpprobe.OutcomeReady || res.Server.Name != "resolved" {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Message)
	}
}

// TestProbeFailures covers what a server that is not (yet) a working MCP endpoint looks like,
// and that each says so in words a user can act on.
func TestProbeFailures(t *testing.T) {
	tests := map[string]struct {
		url     func(t *testing.T) string
		cfg     mcpprobe.Config
		outcome mcpprobe.Outcome
		reason  mcpprobe.FailureReason
		message string
	}{
		"401 with a Bearer challenge is MCP authorization": {
			url: func(t *testing.T) string {
				return serveHTTP(t, func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"`)
					w.WriteHeader(http.StatusUnauthorized)
				})
			},
			outcome: mcpprobe.OutcomeAuthRequired,
			reason:  mcpprobe.ReasonHTTPError,
			message: "requires MCP authorization",
		},
		"401 without a Bearer challenge": {
			url: func(t *testing.T) string {
				return serveHTTP(t, func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("WWW-Authenticate", `Basic realm="proxy"`)
					w.WriteHeader(http.StatusUnauthorized)
				})
			},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonHTTPError,
			message: "HTTP 401 Unauthorized without a Bearer challenge",
		},
		"403 from a go-sdk server's DNS-rebinding protection": {
			url: func(t *testing.T) string {
				s := startMCP(t, mcptest.ServerOptions{Name: "guarded", Version: "1", KeepLocalhostProtection: true})
				return "http://guarded.default.svc.cluster.local:8080/mcp#" + s.Addr
			},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonHTTPError,
			message: "HTTP 403 Forbidden: the server refused the request. A go-sdk MCP server bound to localhost",
		},
		"plain HTTP 200 that is not MCP": {
			url: func(t *testing.T) string {
				return serveHTTP(t, func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					_, _ = io.WriteString(w, "<html><body>Welcome to nginx!</body></html>")
				})
			},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonNotMCP,
			message: `not an MCP server: `,
		},
		"404 on the path": {
			url: func(t *testing.T) string {
				s := startMCP(t, mcptest.ServerOptions{Name: "elsewhere", Version: "1", Path: "/mcp"})
				return "http://" + s.Addr + "/api/mcp"
			},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonHTTPError,
			message: "HTTP 404 Not Found on path /api/mcp: nothing serves MCP at that path",
		},
		"connection refused": {
			url: func(t *testing.T) string {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				addr := l.Addr().String()
				_ = l.Close()
				return "http://" + addr + "/mcp"
			},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonConnectionRefused,
			message: "connection refused by 127.0.0.1:",
		},
		"accepts TCP and never answers": {
			url:     hostile(mcptest.Hang),
			cfg:     mcpprobe.Config{Timeout: 500 * time.Millisecond},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonTimeout,
			message: "timed out after 500ms: 127.0.0.1",
		},
		"answers one byte a second": {
			url:     hostile(mcptest.Slowloris),
			cfg:     mcpprobe.Config{Timeout: 500 * time.Millisecond},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonTimeout,
			message: "timed out after 500ms: 127.0.0.1",
		},
		"answers random bytes as JSON": {
			url:     hostile(mcptest.Garbage),
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonProtocolError,
			message: "failed to decode response",
		},
		"dies mid-handshake": {
			url: func(t *testing.T) string {
				return acceptAndThen(t, func(c net.Conn) {
					buf := make([]byte, 512)
					_, _ = c.Read(buf)
				})
			},
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonConnectionLost,
			message: "closed",
		},
		"host that does not resolve": {
			url:     func(*testing.T) string { return "http://no-such-server.invalid:8080/mcp" },
			outcome: mcpprobe.OutcomeFailed,
			reason:  mcpprobe.ReasonHostNotFound,
			message: "host no-such-server.invalid not found",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			url := tc.url(t)
			cfg := tc.cfg
			// A "#addr" suffix asks for the request to go to addr with the URL's own Host header.
			if base, addr, ok := strings.Cut(url, "#"); ok {
				url = base
				cfg.Resolver = mcpprobe.NewResolver()
				if err := cfg.Resolver.Set(hostPort(base) + ":" + addr); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			res := probe(t, url, cfg)
			t.Logf("%s/%s in %s: %s", res.Outcome, res.Reason, res.Duration, res.Message)
			if res.Outcome != tc.outcome || res.Reason != tc.reason {
				t.Errorf("outcome %s/%s, want %s/%s (%s)", res.Outcome, res.Reason, tc.outcome, tc.reason, res.Message)
			}
			if !strings.Contains(res.Message, tc.message) {
				t.Errorf("message %q does not contain %q", res.Message, tc.message)
			}
			if res.Tools != nil {
				t.Errorf("a failed or unauthorized probe reported tools %+v", res.Tools)
			}
			if limit := 5 * time.Second; time.Since(start) > limit {
				t.Errorf("the probe took %s, more than %s", time.Since(start), limit)
			}
		})
	}
}

// hostile serves the URL of a listener that misbehaves as serve does, for as long as the test runs.
func hostile(serve func(context.Context, net.Listener)) func(t *testing.T) string {
	return func(t *testing.T) string {
		addr, err := mcptest.StartHostile(t.Context(), serve)
		if err != nil {
			t.Fatal(err)
		}
		return "http://" + addr + "/mcp"
	}
}

func TestParseResolve(t *testing.T) {
	tests := map[string]struct{ entry, hostPort, addr, err string }{
		"ip":            {entry: "a.b.svc.cluster.local:8080:127.0.0.1", hostPort: "a.b.svc.cluster.local:8080", addr: "127.0.0.1:8080"},
		"ip and port":   {entry: "a.b.svc:8080:127.0.0.1:40001", hostPort: "a.b.svc:8080", addr: "127.0.0.1:40001"},
		"ipv6":          {entry: "a:80:[::1]:9000", hostPort: "a:80", addr: "[::1]:9000"},
		"missing parts": {entry: "a:80", err: "want host:port:address"},
		"bad port":      {entry: "a:http:127.0.0.1", err: "is not 1..65535"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hp, addr, err := mcpprobe.ParseResolve(tc.entry)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || hp != tc.hostPort || addr != tc.addr {
				t.Errorf("got %q %q %v, want %q %q", hp, addr, err, tc.hostPort, tc.addr)
			}
		})
	}
}

func serveHTTP(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL + "/mcp"
}

// acceptAndThen listens on loopback and hands every accepted connection to handle, closing it
// afterwards.
func acceptAndThen(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { _ = l.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			handle(c)
			_ = c.Close()
		}
	}()
	return "http://" + l.Addr().String() + "/mcp"
}

func hostPort(url string) string {
	rest := strings.TrimPrefix(url, "http://")
	hp, _, _ := strings.Cut(rest, "/")
	return hp
}

// TestProbeSharesConnectionsAndClosesThemAll: the requests of one handshake share their
// connections (over TLS, each connection is one TLS handshake), and none outlives the probe.
func TestProbeSharesConnectionsAndClosesThemAll(t *testing.T) {
	ca, err := mcptest.NewTestCA("shared.team.svc.cluster.local")
	if err != nil {
		t.Fatal(err)
	}
	opts := mcptest.ServerOptions{Name: "n", Version: "1", Tools: []string{"a", "b", "c"}, PageSize: 1}
	for name, tlsCert := range map[string]*tls.Certificate{"plain HTTP": nil, "TLS": &ca.Cert} {
		t.Run(name, func(t *testing.T) {
			o := opts
			o.TLS = tlsCert
			s := startMCP(t, o)
			resolver := mcpprobe.NewResolver()
			if err := resolver.Set("shared.team.svc.cluster.local:443:" + s.Addr); err != nil {
				t.Fatal(err)
			}
			scheme := "http"
			if tlsCert != nil {
				scheme = "https"
			}
			prober := mcpprobe.New(mcpprobe.Config{Resolver: resolver})
			for i := range 3 {
				res := prober.Probe(context.Background(), scheme+"://shared.team.svc.cluster.local:443/mcp", mcpprobe.TLS{CABundle: string(ca.CABundle)})
				if res.Outcome != mcpprobe.OutcomeReady {
					t.Fatalf("probe %d: outcome %s (%s)", i, res.Outcome, res.Message)
				}
			}
			// Each probe sends discover, initialize, initialized, three tools/list pages and the
			// session's DELETE. One connection per request would be 21. net/http dials anew when
			// a request comes before the last response's connection is back in the pool (go-sdk
			// closes an event stream once it holds the response, sometimes before its end has
			// been read), so a busy host sees a few more than one per probe, never one per
			// request.
			opened, _ := s.Connections()
			if requests := s.Requests(); requests < 3*7 || 2*opened > requests {
				t.Errorf("three probes sent %d requests over %d connections, want at least 21 requests and 2 or more per connection", requests, opened)
			}
			check.Eventually(t, 5*time.Second, "every connection closed after the probes returned", func() (bool, string) {
				_, open := s.Connections()
				return open == 0, fmt.Sprintf("%d open", open)
			})
		})
	}
}
