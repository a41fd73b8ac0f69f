// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package catalog

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const openShiftAIYAML = `
source: Test
mcp_servers:
  - name: kubernetes-mcp-server
    provider: Red Hat
    license: apache-2.0
    version: "1.2"
    description: Cluster access for agents.
    readme: "# Kubernetes"
    transports: [http]
    deploymentMode: local
    labels: [kubernetes]
    tools:
      - {name: pods_list, description: List pods}
    artifacts:
      - uri: oci://quay.io/containers/kubernetes_mcp_server:latest
    runtimeMetadata:
      defaultPort: 9000
      mcpPath: /api/mcp
      defaultArgs: [--read-only]
      environmentVariables:
        - {name: TOKEN, description: API token, required: true, secret: true}
  - name: hosted
    description: Runs elsewhere.
    transports: [http, sse]
    deploymentMode: remote
    endpoints:
      http: https://mcp.example.com/mcp
      sse: https://mcp.example.com/sse
  - name: broken-local
    description: No artifact, so nothing to deploy.
    transports: [http]
  - description: no name at all
`

const serverJSONs = `[
  {"name": "io.github.acme/weather", "title": "Weather", "description": "Forecasts", "version": "1.0.0",
   "packages": [{"registryType": "oci", "identifier": "ghcr.io/acme/weather", "version": "1.0.0",
     "transport": {"type": "streamable-http", "url": "http://localhost:3000/mcp"},
     "environmentVariables": [{"name": "API_KEY", "isRequired": true, "isSecret": true}]}]},
  {"name": "com.example/remote", "description": "Remote", "version": "2.0.0",
   "remotes": [{"type": "sse", "url": "https://remote.example.com/sse"}]},
  {"name": "nuget-only", "description": "only a NuGet package", "version": "1", "packages": [{"registryType": "nuget", "identifier": "x"}]},
  42
]`

func TestParseOpenShiftAICatalog(t *testing.T) {
	entries, errs := Parse("test.yaml", []byte(openShiftAIYAML))
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2: %+v", len(entries), entries)
	}
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "broken-local: a server to deploy needs an OCI image (oci://...) or an npm or PyPI package") ||
		!strings.Contains(errs[1].Error(), "mcp_servers[3] has no name") {
		t.Errorf("problems %v", errs)
	}
	k := entries[0]
	want := Entry{
		ID: "test-yaml--kubernetes-mcp-server", Name: "kubernetes-mcp-server", Description: "Cluster access for agents.", Provider: "Red Hat",
		Version: "1.2", License: "apache-2.0", Readme: "# Kubernetes", Transports: []string{TransportStreamableHTTP}, Labels: []string{"kubernetes"},
		Tools: []Tool{{Name: "pods_list", Description: "List pods"}}, Image: "quay.io/containers/kubernetes_mcp_server:latest",
		Port: 9000, Path: "/api/mcp", Args: []string{"--read-only"},
		Env:    []EnvVar{{Name: "TOKEN", Description: "API token", Required: true, Secret: true}},
		Source: "test.yaml",
	}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}
	hosted := entries[1]
	if !hosted.Remote || len(hosted.Endpoints) != 2 || hosted.Endpoints[0] != (Endpoint{Transport: TransportStreamableHTTP, URL: "https://mcp.example.com/mcp"}) {
		t.Errorf("remote entry %+v", hosted)
	}
}

func TestParseServerJSON(t *testing.T) {
	entries, errs := Parse("registry.json", []byte(serverJSONs))
	if len(entries) != 2 || len(errs) != 2 {
		t.Fatalf("entries %+v problems %v", entries, errs)
	}
	w := entries[0]
	if w.Image != "ghcr.io/acme/weather:1.0.0" || w.Port != 3000 || w.Path != "/mcp" || w.Provider != "io.github.acme" ||
		len(w.Env) != 1 || !w.Env[0].Secret || !w.Env[0].Required || w.Transports[0] != TransportStreamableHTTP {
		t.Errorf("server.json package entry %+v", w)
	}
	r := entries[1]
	if !r.Remote || r.Endpoints[0].URL != "https://remote.example.com/sse" || r.Transports[0] != TransportSSE {
		t.Errorf("server.json remote entry %+v", r)
	}
	single, errs := Parse("one.json", []byte(`{"name": "solo", "description": "d", "version": "1", "remotes": [{"type": "streamable-http", "url": "https://x/mcp"}]}`))
	if len(single) != 1 || len(errs) != 0 {
		t.Errorf("a single server.json gave %+v %v", single, errs)
	}
	twice, errs := Parse("twice.json", []byte(`[{"name": "Same", "remotes": [{"type": "sse", "url": "https://a/sse"}]},
		{"name": "same", "remotes": [{"type": "sse", "url": "https://b/sse"}]}]`))
	if len(twice) != 1 || twice[0].Endpoints[0].URL != "https://a/sse" || len(errs) != 1 || !strings.Contains(errs[0].Error(), "same name") {
		t.Errorf("two entries with one name gave %+v %v", twice, errs)
	}
	if _, errs := Parse("junk", []byte("{not yaml: [")); len(errs) != 1 {
		t.Errorf("junk gave problems %v", errs)
	}
}

// TestParsePackages: a server published as an npm or PyPI package (and no image) is an entry
// with its package, speaking stdio unless its transport says otherwise; an image wins over a
// package, as it runs as published.
func TestParsePackages(t *testing.T) {
	entries, errs := Parse("registry.json", []byte(`[
  {"name": "io.example/files", "version": "1.2.3", "packages": [
    {"registryType": "npm", "identifier": "@example/files", "version": "1.2.3", "transport": {"type": "stdio"},
     "packageArguments": [{"type": "named", "name": "--root", "value": "/data"}]}]},
  {"name": "io.example/fetch", "packages": [{"registryType": "pypi", "identifier": "mcp-server-fetch", "version": "2025.4.7"}]},
  {"name": "io.example/both", "packages": [
    {"registryType": "npm", "identifier": "both", "version": "1.0.0", "transport": {"type": "stdio"}},
    {"registryType": "oci", "identifier": "ghcr.io/example/both", "version": "1.0.0", "transport": {"type": "streamable-http", "url": "http://localhost:8000/mcp"}}]}
]`))
	if len(errs) != 0 || len(entries) != 3 {
		t.Fatalf("entries %+v problems %v", entries, errs)
	}
	files, fetch, both := entries[0], entries[1], entries[2]
	if diff := cmp.Diff(&Package{Type: PackageNPM, Identifier: "@example/files", Version: "1.2.3"}, files.Package); diff != "" {
		t.Errorf("npm package (-want +got):\n%s", diff)
	}
	if !cmp.Equal(files.Transports, []string{TransportStdio}) || !cmp.Equal(files.Args, []string{"--root", "/data"}) || files.Image != "" || files.Remote {
		t.Errorf("npm entry %+v", files)
	}
	if fetch.Package == nil || fetch.Package.Type != PackagePyPI || !cmp.Equal(fetch.Transports, []string{TransportStdio}) {
		t.Errorf("a PyPI package without a transport speaks stdio: %+v", fetch)
	}
	if both.Package != nil || both.Image != "ghcr.io/example/both:1.0.0" || both.Port != 8000 {
		t.Errorf("the image of a server with an image and a package: %+v", both)
	}
}

func TestFilter(t *testing.T) {
	entries, _ := Parse("a", []byte(openShiftAIYAML))
	more, _ := Parse("b", []byte(serverJSONs))
	entries = append(entries, more...)
	tests := map[string]struct {
		query Query
		want  []string
	}{
		"everything, by name":    {want: []string{"com.example/remote", "hosted", "kubernetes-mcp-server", "io.github.acme/weather"}},
		"by tool name":           {query: Query{Text: "pods_list"}, want: []string{"kubernetes-mcp-server"}},
		"by provider, any case":  {query: Query{Text: "red HAT"}, want: []string{"kubernetes-mcp-server"}},
		"every word must match":  {query: Query{Text: "forecasts weather"}, want: []string{"io.github.acme/weather"}},
		"by transport":           {query: Query{Transports: []string{TransportSSE}}, want: []string{"com.example/remote", "hosted"}},
		"by label":               {query: Query{Labels: []string{"kubernetes"}}, want: []string{"kubernetes-mcp-server"}},
		"by provider facet":      {query: Query{Providers: []string{"io.github.acme", "Red Hat"}}, want: []string{"kubernetes-mcp-server", "io.github.acme/weather"}},
		"remote only":            {query: Query{Modes: []string{ModeRemote}}, want: []string{"com.example/remote", "hosted"}},
		"local only":             {query: Query{Modes: []string{ModeLocal}}, want: []string{"kubernetes-mcp-server", "io.github.acme/weather"}},
		"nothing matches":        {query: Query{Text: "zzz"}},
		"transport and query":    {query: Query{Text: "remote", Transports: []string{TransportStdio}}},
		"several transports any": {query: Query{Transports: []string{TransportStdio, TransportSSE}}, want: []string{"com.example/remote", "hosted"}},
		"sorted by provider":     {query: Query{Sort: "provider"}, want: []string{"hosted", "com.example/remote", "io.github.acme/weather", "kubernetes-mcp-server"}},
		"most tools first":       {query: Query{Sort: "tools"}, want: []string{"kubernetes-mcp-server", "com.example/remote", "hosted", "io.github.acme/weather"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, e := range Filter(entries, tc.query) {
				got = append(got, e.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFacetsCountTheWholeCatalog(t *testing.T) {
	entries, _ := Parse("a", []byte(openShiftAIYAML))
	more, _ := Parse("b", []byte(serverJSONs))
	got := FacetsOf(append(entries, more...))
	want := Facets{
		Transports: []FacetValue{{"sse", 2}, {"streamable-http", 3}},
		Labels:     []FacetValue{{"kubernetes", 1}},
		Providers:  []FacetValue{{"Red Hat", 1}, {"com.example", 1}, {"io.github.acme", 1}},
		Modes:      []FacetValue{{"local", 2}, {"remote", 2}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("facets (-want +got):\n%s", diff)
	}
	if empty := FacetsOf(nil); empty.Labels == nil || empty.Transports == nil || empty.Providers == nil || empty.Modes == nil {
		t.Errorf("the facets of an empty catalog hold a null list: %+v", empty)
	}
}

func TestIcons(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want string
	}{
		"server.json light icon over dark": {`{"name": "a/b", "remotes": [{"type": "sse", "url": "https://x/sse"}], "icons": [
			{"src": "https://example.com/dark.png", "theme": "dark"}, {"src": "data:image/png;base64,iVBORw0KGgo=", "theme": "light"}]}`,
			"data:image/png;base64,iVBORw0KGgo="},
		"server.json only a dark icon": {`{"name": "a/b", "remotes": [{"type": "sse", "url": "https://x/sse"}], "icons": [{"src": "https://example.com/dark.png", "theme": "dark"}]}`,
			"https://example.com/dark.png"},
		"no script URL": {`{"name": "a/b", "remotes": [{"type": "sse", "url": "https://x/sse"}], "icons": [{"src": "javascript:alert(1)"}]}`, ""},
		"no plain http": {`{"name": "a/b", "remotes": [{"type": "sse", "url": "https://x/sse"}], "icons": [{"src": "http://example.com/i.png"}]}`, ""},
		"no HTML data":  {`{"name": "a/b", "remotes": [{"type": "sse", "url": "https://x/sse"}], "icons": [{"src": "data:text/html,<script>1</script>"}]}`, ""},
		"OpenShift AI logo": {"mcp_servers: [{name: x, deploymentMode: remote, endpoints: {sse: 'https://x'}, logo: 'data:image/svg+xml;base64,PHN2Zy8+'}]",
			"data:image/svg+xml;base64,PHN2Zy8+"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			entries, errs := Parse("icons", []byte(tc.doc))
			if len(errs) != 0 || len(entries) != 1 {
				t.Fatalf("%v %v", entries, errs)
			}
			if entries[0].Icon != tc.want {
				t.Errorf("icon %q, want %q", entries[0].Icon, tc.want)
			}
		})
	}
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
