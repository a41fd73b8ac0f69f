// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog/deploy"
	"github.com/mcp-operator/mcp-operator/internal/catalog/sources"
)

const (
	filesID     = "packages--io-example-files"
	fetchID     = "packages--io-example-fetch"
	httpPackage = "packages--io-example-http-package"
)

// packagesCatalog serves testdata/packages.json (servers published as npm and PyPI packages)
// with the suite's runtime images: one for npm, none for PyPI.
func packagesCatalog(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/packages.json")
	if err != nil {
		t.Fatal(err)
	}
	store := sources.NewStore()
	store.SetSource("packages", data)
	return startCatalogOf(t, store)
}

// TestPackagesAreDeployableWithARuntimeImage: an npm package runs in the npm runtime image,
// started by npx behind the stdio bridge; a PyPI package without a runtime image, and a
// package that serves HTTP itself, say why they cannot be deployed.
func TestPackagesAreDeployableWithARuntimeImage(t *testing.T) {
	ctx := context.Background()
	s := newSession(t, packagesCatalog(t), "alice")
	var page catalogPage
	s.expect("GET", "/api/catalog", nil, http.StatusOK, &page)
	byID := map[string]int{}
	for i, item := range page.Items {
		byID[item.ID] = i
	}
	files := page.Items[byID[filesID]]
	if !files.Deploy.Enabled || files.Deploy.Run == nil ||
		!cmp.Equal(files.Deploy.Run.Command, []string{"npx", "--yes", "@example/files-mcp@1.2.3"}) || files.Deploy.Run.Image != testNPMRuntime {
		t.Errorf("the npm package: %+v", files.Deploy)
	}
	for id, want := range map[string]string{fetchID: "--runtime-image pypi=IMAGE", httpPackage: "serves MCP over HTTP"} {
		if d := page.Items[byID[id]].Deploy; d.Enabled || !strings.Contains(d.Reason, want) {
			t.Errorf("%s: %+v, want it disabled saying %q", id, d, want)
		}
	}

	var refused apiError
	s.expect("POST", "/api/deployments", map[string]any{"entryId": fetchID, "name": "fetch", "namespace": teamA, "port": 8080, "path": "/mcp"},
		http.StatusConflict, &refused)
	if !strings.Contains(refused.Error, "runtime image for pypi packages is configured") {
		t.Errorf("deploying the PyPI package: %q", refused.Error)
	}

	s.expect("POST", "/api/deployments", map[string]any{"entryId": filesID, "name": "files", "namespace": teamA, "port": 8080, "path": "/mcp",
		"args": []string{"/data"}, "env": []map[string]any{{"name": "FILES_TOKEN", "value": "t0ken", "secret": true}}}, http.StatusCreated, nil)
	server := &mcpv1beta1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamA, Name: "files"}, server); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(ctx, server) })
	spec := server.Spec
	if spec.Source.ContainerImage.Ref != testNPMRuntime || spec.Stdio == nil || spec.Stdio.Sessions != mcpv1beta1.StdioPerSession ||
		!cmp.Equal(spec.Stdio.Command, []string{"npx", "--yes", "@example/files-mcp@1.2.3"}) || !cmp.Equal(spec.Config.Arguments, []string{"/data"}) {
		t.Errorf("the npm package's MCPServer: source %+v, stdio %+v, arguments %v", spec.Source, spec.Stdio, spec.Config.Arguments)
	}
	vars := map[string]corev1.EnvVar{}
	for _, v := range spec.Config.Env {
		vars[v.Name] = v
	}
	if vars["HOME"].Value != deploy.Cache || vars["npm_config_cache"].Value != deploy.Cache+"/npm" || vars["FILES_TOKEN"].ValueFrom == nil {
		t.Errorf("env %+v", spec.Config.Env)
	}
	if len(spec.Config.Storage) != 1 || spec.Config.Storage[0].Path != deploy.Cache || spec.Config.Storage[0].Permissions != mcpv1beta1.MountPermissionsReadWrite {
		t.Errorf("storage %+v: the runner's cache needs a writable volume", spec.Config.Storage)
	}
}

// TestDeployAStdioImage: an image entry that speaks stdio only becomes an MCPServer with
// spec.stdio and no command, so that the operator runs the image's own behind the bridge.
func TestDeployAStdioImage(t *testing.T) {
	ctx := context.Background()
	s := newSession(t, catalogURL, "alice")
	s.expect("POST", "/api/deployments", map[string]any{"entryId": stdioID, "name": "stdio-tool", "namespace": teamA, "port": 8080, "path": "/mcp"},
		http.StatusCreated, nil)
	server := &mcpv1beta1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamA, Name: "stdio-tool"}, server); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(ctx, server) })
	if server.Spec.Stdio == nil || len(server.Spec.Stdio.Command) != 0 || server.Spec.Source.ContainerImage.Ref != "registry.example.com/mcp/stdio:1.0" {
		t.Errorf("source %+v, stdio %+v", server.Spec.Source, server.Spec.Stdio)
	}
}

// TestBrowserFormShowsWhatWillRun: the details and the deploy form of a package say what runs,
// and the form's command line follows the arguments as they are typed.
func TestBrowserFormShowsWhatWillRun(t *testing.T) {
	b := openBrowser(t, packagesCatalog(t), "alice")
	b.open("#/servers/"+filesID, "#deploy-button")
	want := "npx --yes @example/files-mcp@1.2.3 /data in " + testNPMRuntime + ", over stdio, behind the operator's stdio bridge"
	if runs := b.text("#entry-runs"); runs != want {
		t.Errorf("details: runs %q, want %q", runs, want)
	}
	b.do("open the form", chromedp.Click(chromedp.ID("deploy-button")), chromedp.WaitVisible(chromedp.ID("deploy-form")))
	if runs := b.text("#f-runs"); runs != want {
		t.Errorf("form: runs %q, want %q", runs, want)
	}
	// As typing does: the value changes and the textarea fires input.
	b.eval(`(() => { const a = document.getElementById("f-args"); a.value = "/data\n--read only"; a.dispatchEvent(new Event("input")); return ""; })()`)
	b.waitFor("the command line to follow", fmt.Sprintf(`document.getElementById("f-runs").textContent === %q`,
		`npx --yes @example/files-mcp@1.2.3 /data "--read only" in `+testNPMRuntime+", over stdio, behind the operator's stdio bridge"))
	b.check("deploy-form-package")

	b.open("#/servers/"+fetchID, "#deploy-button")
	if reason := b.text("#deploy-reason"); !strings.Contains(reason, "--runtime-image pypi=IMAGE") {
		t.Errorf("the PyPI package without a runtime image: %q", reason)
	}
	b.check("disabled-no-runtime")
}
