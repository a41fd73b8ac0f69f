// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog"
	"github.com/mcp-operator/mcp-operator/internal/catalog/deploy"
	"github.com/mcp-operator/mcp-operator/internal/catalog/page"
	"github.com/mcp-operator/mcp-operator/internal/catalog/sources"
	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/npmregistry"
	"github.com/mcp-operator/mcp-operator/internal/testing/ociimage"
)

// TestStdioServerFromTheCatalog: a catalog entry of an image that speaks stdio only, deployed
// through the catalog page's API as a person would from its form. The entry names no command:
// the operator reads the image's entrypoint from its registry (the bed's, where pods reach it)
// and runs it behind the bridge; the server becomes Ready with its tools like any other.
func TestStdioServerFromTheCatalog(t *testing.T) {
	applyExample(t) // its ServiceAccount, with read access to the cluster
	image, err := bed.AtPodRegistry(bed.ExampleImage)
	if err != nil {
		t.Fatal(err)
	}
	store := sources.NewStore()
	store.SetSource("node", []byte(fmt.Sprintf(`mcp_servers:
  - name: kubernetes-over-stdio
    description: The Kubernetes MCP server in its default mode, stdio.
    transports: [stdio]
    deploymentMode: local
    artifacts:
      - uri: oci://%s
    runtimeMetadata:
      defaultArgs: ["--read-only"]
`, image)))
	if problems := store.Problems(); len(problems) != 0 {
		t.Fatalf("the test catalog: %v", problems)
	}
	url := servePage(t, store, nil)

	const name = "catalog-stdio"
	deployThroughThePage(t, url, map[string]any{"entryId": "node--kubernetes-over-stdio", "name": name, "namespace": exampleNamespace,
		"port": 8080, "path": "/mcp", "args": []string{"--read-only"}, "serviceAccount": "mcp-viewer"})
	ctx := context.Background()
	t.Cleanup(func() {
		_ = bed.Cluster.Client.Delete(ctx, &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Namespace: exampleNamespace, Name: name}})
	})
	got := waitReady(t, exampleNamespace, name, metav1.ConditionTrue, "", 4*time.Minute)
	if got.Spec.Stdio == nil || len(got.Spec.Stdio.Command) != 0 || got.Spec.Source.ContainerImage.Ref != image {
		t.Errorf("the page made stdio %+v from %+v, want the image's own command", got.Spec.Stdio, got.Spec.Source)
	}
	if got.Status.ServerInfo == nil || got.Status.ServerInfo.Name != "kubernetes-mcp-server" {
		t.Errorf("serverInfo = %+v, want kubernetes-mcp-server's own", got.Status.ServerInfo)
	}
	if got.Status.Tools == nil || !slices.Contains(got.Status.Tools.Names, "namespaces_list") {
		t.Errorf("status.tools = %+v, want the read tools (namespaces_list)", got.Status.Tools)
	}
}

// TestNPMPackageFromTheCatalog: a catalog entry published as an npm package, deployed through
// the page, runs in the admin's npm runtime image (here made of this machine's Node.js, set for
// the bed's own npm registry as for a mirror), started by npx behind the bridge: npx fetches the
// package into the pod's cache volume on the read-only root filesystem, and the server is Ready
// with its tools and answers a client through the Service.
func TestNPMPackageFromTheCatalog(t *testing.T) {
	npm, err := npmregistry.Start(net.JoinHostPort(localcluster.RealNodeIP, "0"), filepath.Join("testdata", "mcp-echo-stdio"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = npm.Stop() })
	const runtimeImage = "quay.io/mcp-operator/node-runtime:test"
	img, err := ociimage.NodeRuntimeImage("npm_config_registry=" + npm.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := bed.Registry.Push(runtimeImage, img); err != nil {
		t.Fatal(err)
	}
	store := sources.NewStore()
	store.SetSource("node", []byte(`{"name": "io.example/echo", "description": "An npm package that speaks stdio.", "version": "1.0.0",
  "packages": [{"registryType": "npm", "identifier": "mcp-echo-stdio", "version": "1.0.0", "transport": {"type": "stdio"}}]}`))
	if problems := store.Problems(); len(problems) != 0 {
		t.Fatalf("the test catalog: %v", problems)
	}
	url := servePage(t, store, deploy.RuntimeImages{catalog.PackageNPM: runtimeImage})

	const name = "catalog-npm"
	deployThroughThePage(t, url, map[string]any{"entryId": "node--io-example-echo", "name": name, "namespace": exampleNamespace,
		"port": 8080, "path": "/mcp"})
	ctx := context.Background()
	t.Cleanup(func() {
		_ = bed.Cluster.Client.Delete(ctx, &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Namespace: exampleNamespace, Name: name}})
	})
	got := waitReady(t, exampleNamespace, name, metav1.ConditionTrue, "", 4*time.Minute)
	if got.Status.ServerInfo == nil || got.Status.ServerInfo.Name != "mcp-echo-stdio" {
		t.Errorf("serverInfo = %+v, want the package's own", got.Status.ServerInfo)
	}
	if got.Status.Tools == nil || !slices.Equal(got.Status.Tools.Names, []string{"echo"}) {
		t.Errorf("status.tools = %+v, want the package's echo", got.Status.Tools)
	}
	report := runClient(t, exampleNamespace, "npm-client", fmt.Sprintf("http://%s.%s.svc.cluster.local:8080/mcp", name, exampleNamespace), "echo")
	if report.Error != "" || report.Server != "mcp-echo-stdio" {
		t.Errorf("the client met %q: %s", report.Server, report.Error)
	}
}

// servePage serves the catalog page for the test, acting as the bed's admin.
func servePage(t *testing.T, store *sources.Store, runtimes deploy.RuntimeImages) string {
	t.Helper()
	c, err := client.NewWithWatch(bed.Cluster.Config, client.Options{Scheme: bed.Cluster.Client.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&page.Server{Store: store, Identity: &page.LocalIdentity{Client: c}, RuntimeImages: runtimes,
		CRDAvailable: func(context.Context) bool { return true }}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// deployThroughThePage posts the deploy form's request as the page does: with its session's
// CSRF token.
func deployThroughThePage(t *testing.T, url string, form map[string]any) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := browser.Get(url + "/api/session")
	if err != nil {
		t.Fatal(err)
	}
	var session struct {
		CSRFToken string `json:"csrfToken"`
	}
	err = json.NewDecoder(resp.Body).Decode(&session)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(form)
	req, _ := http.NewRequest(http.MethodPost, url+"/api/deployments", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", session.CSRFToken)
	resp, err = browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusCreated {
		var answer bytes.Buffer
		_, _ = answer.ReadFrom(resp.Body)
		t.Fatalf("deploying through the page: %s %s", resp.Status, answer.String())
	}
}
