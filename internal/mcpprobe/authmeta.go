// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// maxAuthMetadataBytes bounds the protected-resource metadata a probe reads.
const maxAuthMetadataBytes = 64 << 10

// describeAuthorization reads the server's OAuth protected-resource metadata (RFC 9728), where
// MCP's authorization challenge points (its resource_metadata parameter, else the well-known
// URL of the endpoint), and says which authorization servers it names, so that a user sees
// where credentials come from. The metadata is read only from the endpoint's own origin: a
// server cannot make the operator fetch other addresses.
func describeAuthorization(ctx context.Context, hc *http.Client, endpoint, wwwAuthenticate string) string {
	metadataURL, err := protectedResourceMetadataURL(endpoint, wwwAuthenticate)
	if err != nil {
		return "; " + err.Error()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metadataURL, nil)
	if err != nil {
		return ""
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Sprintf("; its protected-resource metadata (%s) could not be read: %s", metadataURL, short(err))
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("; its protected-resource metadata (%s) answered HTTP %d, so clients cannot find its authorization server (RFC 9728)", metadataURL, resp.StatusCode)
	}
	var meta oauthex.ProtectedResourceMetadata
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAuthMetadataBytes)).Decode(&meta); err != nil || len(meta.AuthorizationServers) == 0 {
		return fmt.Sprintf("; its protected-resource metadata (%s) names no authorization server (RFC 9728)", metadataURL)
	}
	servers := meta.AuthorizationServers
	if len(servers) > 3 {
		servers = append(servers[:3:3], "...")
	}
	return fmt.Sprintf("; its protected-resource metadata names the authorization server %s", printable([]byte(strings.Join(servers, ", "))))
}

// protectedResourceMetadataURL is the metadata URL a challenge names, or the well-known URL of
// the endpoint (RFC 9728 section 3.1: the path of the resource after the well-known prefix).
func protectedResourceMetadataURL(endpoint, wwwAuthenticate string) (string, error) {
	base, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	challenges, _ := oauthex.ParseWWWAuthenticate([]string{wwwAuthenticate})
	for _, c := range challenges {
		named := c.Params["resource_metadata"]
		if c.Scheme != "bearer" || named == "" {
			continue
		}
		u, err := base.Parse(named)
		if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
			return "", fmt.Errorf("its challenge names protected-resource metadata at %q, which is not on the server's own origin; the operator does not follow it", printable([]byte(named)))
		}
		return u.String(), nil
	}
	wellKnown := *base
	wellKnown.Path = "/.well-known/oauth-protected-resource" + strings.TrimSuffix(base.Path, "/")
	wellKnown.RawQuery = ""
	return wellKnown.String(), nil
}
