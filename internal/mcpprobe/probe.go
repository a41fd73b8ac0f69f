// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package mcpprobe checks that an endpoint really speaks the Model Context Protocol, whichever
// revision it speaks: with the go-sdk client it asks server/discover first (MCP 2026-07-28, the
// stateless revision), falls back to the initialize handshake of the revisions before it
// (2024-11-05 to 2025-11-25), lists the tools, and closes the session. Every probe is bounded
// in time and in the bytes it reads, and explains failures in a user's words.
package mcpprobe

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Config bounds and directs probes.
type Config struct {
	// Timeout bounds one whole probe, handshake and tool listing together.
	Timeout time.Duration
	// MaxResponseBytes bounds the bytes one probe reads from the server, over all responses.
	MaxResponseBytes int64
	// MaxToolPages bounds how many tools/list pages a probe follows.
	MaxToolPages int
	// MaxToolNames bounds the tool names a result keeps.
	MaxToolNames int
	// Resolver overrides where host:port pairs are dialled (outside a cluster); nil for none.
	Resolver *Resolver
	// ClientVersion is the version the operator reports as an MCP client.
	ClientVersion string
	// TLS raises the TLS floor of https handshakes; zero: TLS 1.2 or later.
	TLS TLSProfile
}

// DefaultConfig returns limits suitable for a production operator.
func DefaultConfig() Config {
	return Config{
		Timeout:          10 * time.Second,
		MaxResponseBytes: 4 << 20,
		MaxToolPages:     50,
		MaxToolNames:     100,
		ClientVersion:    "0.1.0",
	}
}

// Protocol revisions the probe asks for. ModernProtocolVersion is asked with server/discover on
// Streamable HTTP; a server that does not answer it as a 2026-07-28 server does is met with
// initialize at LegacyProtocolVersion, which it may negotiate down to any older revision.
const (
	ModernProtocolVersion = "2026-07-28"
	LegacyProtocolVersion = "2025-11-25"
)

// Prober runs probes. It is safe for concurrent use.
type Prober struct {
	cfg Config
}

// New returns a Prober with cfg; zero limits take their defaults.
func New(cfg Config) *Prober {
	def := DefaultConfig()
	if cfg.Timeout <= 0 {
		cfg.Timeout = def.Timeout
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = def.MaxResponseBytes
	}
	if cfg.MaxToolPages <= 0 {
		cfg.MaxToolPages = def.MaxToolPages
	}
	if cfg.MaxToolNames <= 0 {
		cfg.MaxToolNames = def.MaxToolNames
	}
	if cfg.ClientVersion == "" {
		cfg.ClientVersion = def.ClientVersion
	}
	return &Prober{cfg: cfg}
}

// TLS is how an https endpoint is verified: CABundle (PEM) as the only roots, or the system
// roots when it is empty; InsecureSkipVerify turns verification off. It is comparable, so that
// a handshake target holding it tells a CA rotation apart.
type TLS struct {
	CABundle           string
	InsecureSkipVerify bool
}

// clientConfig is the TLS client configuration of t under the profile: TLS 1.2 or later.
func (t TLS) clientConfig(profile TLSProfile) *tls.Config {
	cfg := &tls.Config{MinVersion: max(tls.VersionTLS12, profile.MinVersion), CipherSuites: profile.CipherSuites, //nolint:gosec // skip-verify is the user's explicit choice, warned about in an event
		CurvePreferences: profile.CurvePreferences, InsecureSkipVerify: t.InsecureSkipVerify}
	if t.CABundle != "" {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM([]byte(t.CABundle))
		cfg.RootCAs = pool
	}
	return cfg
}

// Probe handshakes with the MCP endpoint at url (https endpoints verified as t says). It tries
// the Streamable HTTP transport and, when the server answers 404 or 405 to its POST, the older
// HTTP+SSE transport.
func (p *Prober) Probe(ctx context.Context, url string, t TLS) Result {
	return p.ProbeVia(ctx, url, "", t)
}

// ProbeVia handshakes with the MCP endpoint at url as Probe does, but dials dial (a pod's
// ip:port) instead of url's host: the request, its Host header and the TLS server name stay
// url's, so one pod behind a Service is verified as clients will meet it. Outside the cluster
// the Resolver applies: an entry for the pod's address maps it, and otherwise an entry for
// url's host stands in for every pod. An empty dial dials url's host.
func (p *Prober) ProbeVia(ctx context.Context, url, dial string, t TLS) Result {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()

	// The modern revision is asked for explicitly, not left to the go-sdk client's default:
	// which revision the probe speaks first is the operator's decision.
	res, rec := p.attempt(ctx, url, dial, t, "streamable-http", ModernProtocolVersion, func(hc *http.Client) mcp.Transport {
		return &mcp.StreamableClientTransport{
			Endpoint: url, HTTPClient: hc, MaxRetries: -1, DisableStandaloneSSE: true,
			MaxEventSize: int(p.cfg.MaxResponseBytes),
		}
	})
	if res.Outcome == OutcomeFailed && wantsSSEFallback(rec.failure()) {
		// HTTP+SSE is the 2024-11-05 transport: no server behind it answers server/discover.
		sse, _ := p.attempt(ctx, url, dial, t, "sse", LegacyProtocolVersion, func(hc *http.Client) mcp.Transport {
			return &mcp.SSEClientTransport{Endpoint: url, HTTPClient: hc, MaxEventSize: int(p.cfg.MaxResponseBytes)}
		})
		if sse.Outcome != OutcomeFailed {
			res = sse
			res.Deprecated = append([]DeprecatedFeature{DeprecatedSSETransport}, res.Deprecated...)
		} else {
			res.Message += "; the older HTTP+SSE transport failed too"
		}
	}
	res.Duration = time.Since(start)
	return res
}

// wantsSSEFallback follows the MCP specification's backwards-compatibility advice: a 4xx answer
// to the Streamable HTTP POST may come from an older HTTP+SSE server. 401 and 403 are answers
// about the caller, not the transport, and are reported as they are.
func wantsSSEFallback(f *httpAnswer) bool {
	return f != nil && f.method == http.MethodPost && f.status >= 400 && f.status < 500 &&
		f.status != http.StatusUnauthorized && f.status != http.StatusForbidden
}

// attempt runs one handshake over one transport, with its own HTTP client so that what the
// server answered can be told apart from what the go-sdk client made of it.
func (p *Prober) attempt(ctx context.Context, url, via string, t TLS, transportName, protocolVersion string, transport func(*http.Client) mcp.Transport) (Result, *recorder) {
	var dialed atomic.Bool
	conns := &connections{}
	defer conns.closeAll()
	dialer := &net.Dialer{Timeout: p.cfg.Timeout}
	dial := p.cfg.Resolver.dialContext(dialer)
	base := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if via != "" && (p.cfg.Resolver.maps(via) || !p.cfg.Resolver.maps(addr)) {
				addr = via
			}
			conn, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			dialed.Store(true)
			if !conns.add(conn) {
				return nil, errAttemptEnded
			}
			return conn, nil
		},
		// The requests of one handshake share their connections (a TLS server is shaken hands
		// with once, not per request); every connection the attempt opened is closed when it
		// ends, pooled or not, so nothing lingers between probes.
		MaxIdleConnsPerHost:   2,
		ResponseHeaderTimeout: p.cfg.Timeout,
		Proxy:                 http.ProxyFromEnvironment,
		TLSClientConfig:       t.clientConfig(p.cfg.TLS),
	}
	rec := &recorder{base: base, limit: p.cfg.MaxResponseBytes, remaining: p.cfg.MaxResponseBytes}
	hc := &http.Client{Transport: rec, Timeout: p.cfg.Timeout}

	// The operator offers a server nothing but its questions: no roots, no sampling, no
	// elicitation (go-sdk's default would advertise roots).
	client := mcp.NewClient(&mcp.Implementation{Name: "mcp-operator", Version: p.cfg.ClientVersion},
		&mcp.ClientOptions{Capabilities: &mcp.ClientCapabilities{}})
	seen := &exchange{}
	client.AddSendingMiddleware(seen.sending)
	session, err := client.Connect(ctx, transport(hc), &mcp.ClientSessionOptions{ProtocolVersion: protocolVersion})
	if err != nil {
		res := rec.explainDiscovery(classify(ctx, url, err, rec, dialed.Load(), p.cfg.Timeout))
		if res.Outcome == OutcomeAuthRequired {
			res.Message += describeAuthorization(ctx, hc, url, rec.failure().wwwAuthenticate)
		}
		return res, rec
	}
	defer func() { _ = session.Close() }()

	init := session.InitializeResult()
	res := Result{Outcome: OutcomeReady, Transport: transportName, Server: serverInfo(init)}
	if res.Server.Modern() {
		res.Server.SupportedVersions = seen.supportedVersions()
	}
	if res.Server.Tools {
		tools, err := p.listTools(ctx, session, seen)
		if err != nil {
			return classify(ctx, url, err, rec, dialed.Load(), p.cfg.Timeout), rec
		}
		if res.Server.Modern() {
			tools.TTL, tools.HasTTL = seen.toolListTTL()
		}
		res.Tools = tools
	}
	res.Deprecated = deprecatedFeatures(res.Server, rec.serverRequests())
	return res, rec
}

// listTools follows tools/list pages up to the configured limit, and summarises what the
// exchange kept of them.
func (p *Prober) listTools(ctx context.Context, session *mcp.ClientSession, seen *exchange) (*ToolInventory, error) {
	inv := &ToolInventory{}
	params := &mcp.ListToolsParams{}
	for page := 0; ; page++ {
		if page == p.cfg.MaxToolPages {
			inv.Truncated = true
			break
		}
		res, err := session.ListTools(ctx, params)
		if err != nil {
			return nil, err
		}
		if res.NextCursor == "" {
			break
		}
		params = &mcp.ListToolsParams{Cursor: res.NextCursor}
	}
	tools := seen.sortedTools()
	h := sha256.New()
	for _, t := range tools {
		_, _ = h.Write(t.definition)
		_, _ = h.Write([]byte{'\n'})
		inv.Count++
		if len(inv.Names) < p.cfg.MaxToolNames {
			inv.Names = append(inv.Names, t.name)
		}
	}
	inv.Digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return inv, nil
}

func serverInfo(init *mcp.InitializeResult) ServerInfo {
	var info ServerInfo
	if init == nil {
		return info
	}
	info.ProtocolVersion = init.ProtocolVersion
	info.Instructions = init.Instructions
	if init.ServerInfo != nil {
		info.Name, info.Version = init.ServerInfo.Name, init.ServerInfo.Version
	}
	if c := init.Capabilities; c != nil {
		info.Tools = c.Tools != nil
		info.Resources = c.Resources != nil
		info.Prompts = c.Prompts != nil
		info.Logging = c.Logging != nil
		info.Completions = c.Completions != nil
	}
	return info
}

// errAttemptEnded refuses a connection that net/http finished dialling after the attempt
// ended: a dial it started for a request that an idle connection then served.
var errAttemptEnded = errors.New("the probe's attempt has ended")

// connections are the ones one attempt dialled, to close when it ends.
type connections struct {
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

// add keeps conn for closeAll. Once closeAll has run it closes conn instead and says so: a
// connection dialled late would otherwise sit in the ended attempt's pool, open for good.
func (c *connections) add(conn net.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		_ = conn.Close()
		return false
	}
	c.conns = append(c.conns, conn)
	return true
}

// closeAll closes every connection kept so far and every one added later.
func (c *connections) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for _, conn := range c.conns {
		_ = conn.Close()
	}
	c.conns = nil
}
