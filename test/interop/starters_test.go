// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package interop_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/mcp-operator/mcp-operator/internal/stdiobridge"
)

// Pinned npm releases (each has its lock files in testdata/node/<name>-<release>).
const (
	typeScriptV1Latest  = "1.32.2"
	typeScriptV2Release = "2.4.0"
	everythingRelease   = "2026.8.31"
)

// goSDKServer starts testdata/go-sdk built against go-sdk at version.
func goSDKServer(module, version, transport string) func(t *testing.T) string {
	return func(t *testing.T) string {
		bin := goServer(t, "go-sdk", module, version)
		p := start(t, nil, 0, bin, "--name", "go-sdk", "--version", version, "--transport", transport)
		return "http://" + p.addr + "/mcp"
	}
}

// mcpGoServer starts testdata/mcp-go built against mcp-go at version; its HTTP+SSE endpoint is
// /sse, as mcp-go serves it.
func mcpGoServer(module, version, transport string) func(t *testing.T) string {
	return func(t *testing.T) string {
		bin := goServer(t, "mcp-go", module, version)
		p := start(t, nil, 0, bin, "--name", "mcp-go", "--version", version, "--transport", transport)
		if transport == "sse" {
			return "http://" + p.addr + "/sse"
		}
		return "http://" + p.addr + "/mcp"
	}
}

// typeScriptV1 starts testdata/node/sdk-v1.mjs on @modelcontextprotocol/sdk at version.
func typeScriptV1(version, mode string) func(t *testing.T) string {
	return func(t *testing.T) string {
		script := npmServer(t, "sdk-v1.mjs", "sdk-"+version)
		p := start(t, []string{"MODE=" + mode, "NAME=typescript-sdk", "VERSION=" + version}, 0, node(t), script)
		if mode == "sse" {
			return "http://" + p.addr + "/sse"
		}
		return "http://" + p.addr + "/mcp"
	}
}

// guardedTypeScript starts the newest 1.x TypeScript server with the SDK's DNS-rebinding
// protection: only the given Host (empty: any) and Origin are served. It first checks that the
// server really refuses a foreign Origin, so that a Ready row means the probe, which sends no
// Origin, is served by a server that enforces one.
func guardedTypeScript(allowedHost, allowedOrigin string) func(t *testing.T) string {
	return func(t *testing.T) string {
		script := npmServer(t, "sdk-v1.mjs", "sdk-"+typeScriptV1Latest)
		port := freePort(t)
		hosts := allowedHost
		if hosts == "" {
			hosts = "127.0.0.1:" + strconv.Itoa(port)
		}
		p := start(t, []string{"MODE=guarded", "NAME=typescript-sdk", "VERSION=" + typeScriptV1Latest, "PORT=" + strconv.Itoa(port),
			"ALLOWED_HOSTS=" + hosts, "ALLOWED_ORIGINS=" + allowedOrigin}, port, node(t), script)
		url := "http://" + p.addr + "/mcp"
		if allowedOrigin != "" {
			if status := initializeWithOrigin(t, url, "https://evil.example.com"); status != http.StatusForbidden {
				t.Fatalf("the guarded server answered an initialize from a foreign Origin with HTTP %d, want 403", status)
			}
		}
		return url
	}
}

// initializeWithOrigin sends an initialize as a browser page of origin would, and returns the
// HTTP status.
func initializeWithOrigin(t *testing.T, url, origin string) int {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"page","version":"1"}}}`
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// typeScriptV2 starts testdata/node/sdk-v2.mjs on @modelcontextprotocol/server.
func typeScriptV2(legacy string, ttlMs int) func(t *testing.T) string {
	return func(t *testing.T) string {
		script := npmServer(t, "sdk-v2.mjs", "server-"+typeScriptV2Release)
		env := []string{"LEGACY=" + legacy, "NAME=typescript-sdk", "VERSION=" + typeScriptV2Release}
		if ttlMs > 0 {
			env = append(env, "TTL_MS="+strconv.Itoa(ttlMs))
		}
		p := start(t, env, 0, node(t), script)
		return "http://" + p.addr + "/mcp"
	}
}

// everything starts the reference server that exercises every MCP feature, as published, on
// the newest 1.x TypeScript SDK.
func everything(transport string) func(t *testing.T) string {
	return func(t *testing.T) string {
		dir := filepath.Dir(npmServer(t, "sdk-v1.mjs", "everything-"+everythingRelease))
		port := freePort(t)
		entry := filepath.Join(dir, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js")
		p := start(t, []string{"PORT=" + strconv.Itoa(port)}, port, node(t), entry, transport)
		if transport == "sse" {
			return "http://" + p.addr + "/sse"
		}
		return "http://" + p.addr + "/mcp"
	}
}

// kubernetesMCPServer starts the customer's server, the binary `hack/control-plane.sh node`
// fetches from npm, with a kubeconfig for a cluster that is not there.
func kubernetesMCPServer(t *testing.T) string {
	bin := os.Getenv("TEST_ASSET_KUBERNETES_MCP_SERVER")
	if _, err := os.Stat(bin); err != nil {
		requireOrSkip(t, fmt.Sprintf("the kubernetes-mcp-server binary is not fetched (TEST_ASSET_KUBERNETES_MCP_SERVER=%q): run `hack/control-plane.sh node`", bin))
	}
	port := freePort(t)
	p := start(t, nil, port, bin, "--port", strconv.Itoa(port), "--kubeconfig", dummyKubeconfig(t))
	return "http://" + p.addr + "/mcp"
}

// dummyKubeconfig writes a kubeconfig for a cluster that is not there: listing tools needs no
// cluster.
func dummyKubeconfig(t *testing.T) string {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	config := `apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
`
	if err := os.WriteFile(kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return kubeconfig
}

// kubernetesMCPStdio is the command of the customer's server in its default mode, stdio.
func kubernetesMCPStdio(t *testing.T) []string {
	bin := os.Getenv("TEST_ASSET_KUBERNETES_MCP_SERVER")
	if _, err := os.Stat(bin); err != nil {
		requireOrSkip(t, fmt.Sprintf("the kubernetes-mcp-server binary is not fetched (TEST_ASSET_KUBERNETES_MCP_SERVER=%q): run `hack/control-plane.sh node`", bin))
	}
	return []string{bin, "--kubeconfig", dummyKubeconfig(t)}
}

// everythingStdio is the command of the reference server in its stdio mode.
func everythingStdio(t *testing.T) []string {
	dir := filepath.Dir(npmServer(t, "sdk-v1.mjs", "everything-"+everythingRelease))
	return []string{node(t), filepath.Join(dir, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js"), "stdio"}
}

// bridged serves a stdio server's command behind the operator's stdio bridge, as a pod of an
// MCPServer with spec.stdio runs it (in-process here; the real-node suite runs the binary).
func bridged(command func(t *testing.T) []string) func(t *testing.T) string {
	return func(t *testing.T) string {
		b, err := stdiobridge.New(stdiobridge.Options{Command: command(t), Version: "interop", Stderr: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(b)
		t.Cleanup(func() {
			srv.Close()
			b.Close()
		})
		return srv.URL + "/mcp"
	}
}

// authServer is a go-sdk server behind go-sdk's own Bearer-token middleware, which refuses
// every token, with its protected-resource metadata (RFC 9728) served as go-sdk serves it.
func authServer(t *testing.T) string {
	server := mcp.NewServer(&mcp.Implementation{Name: "protected", Version: "1"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "echo"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{}, nil, nil
	})
	mux := http.NewServeMux()
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	metadataURL := s.URL + "/.well-known/oauth-protected-resource/mcp"
	reject := func(context.Context, string, *http.Request) (*auth.TokenInfo, error) {
		return nil, auth.ErrInvalidToken
	}
	protect := auth.RequireBearerToken(reject, &auth.RequireBearerTokenOptions{ResourceMetadataURL: metadataURL, Scopes: []string{"mcp:tools"}})
	mux.Handle("/mcp", protect(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)))
	mux.Handle("/.well-known/oauth-protected-resource/mcp", auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
		Resource: s.URL + "/mcp", AuthorizationServers: []string{"https://login.example.com/realms/mcp"}, ScopesSupported: []string{"mcp:tools"},
	}))
	return s.URL + "/mcp"
}

// htmlServer answers every request with a web page, as a misconfigured path or port does.
func htmlServer(t *testing.T) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, "<!doctype html><title>Welcome</title><p>It works!</p>")
	}))
	t.Cleanup(s.Close)
	return s.URL + "/mcp"
}

// midStreamServer starts an event stream for every request and closes the connection before
// any message is complete, as a server that crashes mid-answer does.
func midStreamServer(t *testing.T) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprint(w, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":")
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("the test server cannot hijack its connection: %v", err)
			return
		}
		_ = conn.Close()
	}))
	t.Cleanup(s.Close)
	return s.URL + "/mcp"
}
