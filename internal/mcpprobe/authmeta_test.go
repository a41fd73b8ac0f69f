// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
)

// TestAuthorizationNamesTheAuthorizationServer: a server that asks for MCP authorization is
// AuthenticationRequired, and the message names the authorization server its protected-resource
// metadata (RFC 9728) lists, found where the challenge points or at the well-known URL; metadata
// on another origin is not fetched.
func TestAuthorizationNamesTheAuthorizationServer(t *testing.T) {
	serve := func(challenge func(origin string) string, metadataPath string) string {
		var origin string
		url := serveHTTP(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == metadataPath {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"resource":"%s/mcp","authorization_servers":["https://login.example.com/realms/mcp"]}`, origin)
				return
			}
			w.Header().Set("WWW-Authenticate", challenge(origin))
			w.WriteHeader(http.StatusUnauthorized)
		})
		origin = strings.TrimSuffix(url, "/mcp")
		return url
	}
	tests := map[string]struct {
		url  string
		want string
	}{
		"named by the challenge": {
			url:  serve(func(o string) string { return fmt.Sprintf(`Bearer resource_metadata="%s/meta", scope="tools"`, o) }, "/meta"),
			want: "names the authorization server https://login.example.com/realms/mcp",
		},
		"at the well-known URL": {
			url:  serve(func(string) string { return `Bearer realm="mcp"` }, "/.well-known/oauth-protected-resource/mcp"),
			want: "names the authorization server https://login.example.com/realms/mcp",
		},
		"missing": {
			url:  serve(func(string) string { return `Bearer` }, "/elsewhere"),
			want: "answered HTTP 401, so clients cannot find its authorization server",
		},
		"on another origin": {
			url:  serve(func(string) string { return `Bearer resource_metadata="http://169.254.169.254/latest"` }, "/meta"),
			want: "not on the server's own origin; the operator does not follow it",
		},
	}
	for name, tc := range tests {
		res := probe(t, tc.url, mcpprobe.Config{})
		if res.Outcome != mcpprobe.OutcomeAuthRequired || !strings.Contains(res.Message, tc.want) {
			t.Errorf("%s: %s: %s, want AuthenticationRequired saying %q", name, res.Outcome, res.Message, tc.want)
		}
	}
}
