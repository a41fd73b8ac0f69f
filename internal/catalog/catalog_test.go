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
  {"name": "npm-only", "description": "only npm", "version": "1", "packages": [{"registryType": "npm", "identifier": "x"}]},
  42
]`

func TestParseOpenShiftAICatalog(t *testing.T) {
	entries, errs := Parse("test.yaml", []byte(openShiftAIYAML))
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2: %+v", len(entries), entries)
	}
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "broken-local: a server to deploy needs an OCI artifact") ||
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

func TestBuiltinCatalogLoads(t *testing.T) {
	s := NewStore()
	if err := s.LoadBuiltin(); err != nil {
		t.Fatal(err)
	}
	if p := s.Problems(); len(p) != 0 {
		t.Fatalf("the shipped catalog has problems: %v", p)
	}
	var names []string
	remote := 0
	for _, e := range s.Entries() {
		names = append(names, e.Name)
		if e.Remote {
			remote++
		}
	}
	if !strings.Contains(strings.Join(names, ","), "openshift-mcp-server") || remote == 0 {
		t.Errorf("the shipped catalog %v lacks the OpenShift MCP server or a remote server", names)
	}
}

func TestFilter(t *testing.T) {
	entries, _ := Parse("a", []byte(openShiftAIYAML))
	more, _ := Parse("b", []byte(serverJSONs))
	entries = append(entries, more...)
	tests := map[string]struct {
		query             string
		transports, label []string
		want              []string
	}{
		"everything":             {want: []string{"kubernetes-mcp-server", "hosted", "io.github.acme/weather", "com.example/remote"}},
		"by tool name":           {query: "pods_list", want: []string{"kubernetes-mcp-server"}},
		"by provider, any case":  {query: "red HAT", want: []string{"kubernetes-mcp-server"}},
		"every word must match":  {query: "forecasts weather", want: []string{"io.github.acme/weather"}},
		"by transport":           {transports: []string{TransportSSE}, want: []string{"hosted", "com.example/remote"}},
		"by label":               {label: []string{"kubernetes"}, want: []string{"kubernetes-mcp-server"}},
		"nothing matches":        {query: "zzz"},
		"transport and query":    {query: "remote", transports: []string{TransportStdio}},
		"several transports any": {transports: []string{TransportStdio, TransportSSE}, want: []string{"hosted", "com.example/remote"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, e := range Filter(entries, tc.query, tc.transports, tc.label) {
				got = append(got, e.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeployRequest(t *testing.T) {
	entries, _ := Parse("a", []byte(openShiftAIYAML))
	e := entries[0]
	req := DeployRequest{EntryID: e.ID, Name: "kube", Namespace: "team-a", Port: 9000, Path: "/api/mcp", Args: []string{"--read-only"},
		Env: []DeployedEnv{{Name: "TOKEN", Value: "s3cret", Secret: false}, {Name: "LOG", Value: "debug"}}}
	if errs := req.Validate(e); len(errs) != 0 {
		t.Fatalf("a good request failed validation: %v", errs)
	}
	server, secret := req.Objects(e)
	if secret == nil || secret.StringData["TOKEN"] != "s3cret" || secret.Name != "kube-env" {
		t.Fatalf("secret %+v", secret)
	}
	if strings.Contains(toString(server), "s3cret") {
		t.Error("the value of a variable the catalog marks secret reached the MCPServer, because the request said it was not secret")
	}
	env := server.Spec.Config.Env
	if len(env) != 2 || env[0].ValueFrom == nil || env[0].ValueFrom.SecretKeyRef.Name != "kube-env" || env[1].Value != "debug" {
		t.Errorf("env %+v", env)
	}
	if server.Spec.Source.ContainerImage.Ref != e.Image || server.Spec.Config.Port != 9000 {
		t.Errorf("spec %+v", server.Spec)
	}

	bad := DeployRequest{EntryID: e.ID, Name: "Bad_Name", Namespace: "", ServiceAccount: "Not A Name", Port: 0, Path: "mcp", Args: []string{""},
		Env: []DeployedEnv{{Name: "1X", Value: "v"}}}
	var fields []string
	for _, fe := range bad.Validate(e) {
		fields = append(fields, fe.Field)
	}
	if diff := cmp.Diff([]string{"name", "namespace", "serviceAccount", "port", "path", "args[0]", "env[0]", "env.TOKEN"}, fields); diff != "" {
		t.Errorf("field errors (-want +got):\n%s", diff)
	}
}

func TestReadmeCannotRunScript(t *testing.T) {
	s := &Server{}
	s.Handler()
	html := s.renderReadme("# Hi\n<script>window.__pwned=1</script>\n<img src=x onerror=\"window.__pwned=2\">\n[click](javascript:alert(1))\n\n**bold**")
	for _, bad := range []string{"<script", "onerror", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered README contains %q:\n%s", bad, html)
		}
	}
	if !strings.Contains(html, "<strong>bold</strong>") || !strings.Contains(html, "<h1") {
		t.Errorf("Markdown not rendered:\n%s", html)
	}
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
