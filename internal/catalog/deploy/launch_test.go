// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog"
)

var images = RuntimeImages{catalog.PackageNPM: "node-runtime:22", catalog.PackagePyPI: "uv-runtime:0.9"}

func TestLaunchOf(t *testing.T) {
	stdio := []string{catalog.TransportStdio}
	for name, c := range map[string]struct {
		entry catalog.Entry
		want  Launch
	}{
		"an image over HTTP":         {catalog.Entry{Image: "srv:1", Transports: []string{catalog.TransportStreamableHTTP, catalog.TransportStdio}}, Launch{Image: "srv:1"}},
		"an image over stdio only":   {catalog.Entry{Image: "srv:1", Transports: stdio}, Launch{Image: "srv:1", Stdio: true}},
		"an npm package":             {catalog.Entry{Package: &catalog.Package{Type: "npm", Identifier: "@scope/srv", Version: "1.2.3"}, Transports: stdio}, Launch{Image: "node-runtime:22", Stdio: true, Command: []string{"npx", "--yes", "@scope/srv@1.2.3"}}},
		"an npm package, no version": {catalog.Entry{Package: &catalog.Package{Type: "npm", Identifier: "srv"}, Transports: stdio}, Launch{Image: "node-runtime:22", Stdio: true, Command: []string{"npx", "--yes", "srv"}}},
		"a PyPI package":             {catalog.Entry{Package: &catalog.Package{Type: "pypi", Identifier: "mcp-server-fetch", Version: "2025.4.7"}, Transports: stdio}, Launch{Image: "uv-runtime:0.9", Stdio: true, Command: []string{"uvx", "mcp-server-fetch==2025.4.7"}}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := LaunchOf(c.entry, images)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.IgnoreUnexported(Launch{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLaunchRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		entry  catalog.Entry
		images RuntimeImages
		want   string
	}{
		"no runtime image for the type": {catalog.Entry{Package: &catalog.Package{Type: "pypi", Identifier: "x"}, Transports: []string{"stdio"}},
			RuntimeImages{catalog.PackageNPM: "node:22"}, "--runtime-image pypi=IMAGE"},
		"a package over HTTP":    {catalog.Entry{Package: &catalog.Package{Type: "npm", Identifier: "x"}, Transports: []string{"streamable-http"}}, images, "serves MCP over HTTP"},
		"a package type unknown": {catalog.Entry{Package: &catalog.Package{Type: "nuget", Identifier: "x"}, Transports: []string{"stdio"}}, images, "nuget package"},
		"no transport":           {catalog.Entry{Image: "srv:1"}, images, "names no transport"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := LaunchOf(c.entry, c.images); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestPackageObjects: a package runs in its runtime image behind the bridge, with its runner's
// caches on a writable emptyDir (the root filesystem is read-only), and the person's own
// environment winning over the runner's.
func TestPackageObjects(t *testing.T) {
	e := catalog.Entry{ID: "a--files", Name: "files", Package: &catalog.Package{Type: "npm", Identifier: "@example/files", Version: "1.0.0"},
		Transports: []string{"stdio"}, Port: 8080, Path: "/mcp"}
	launch, err := LaunchOf(e, images)
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Name: "files", Namespace: "team-a", Port: 8080, Path: "/mcp", Args: []string{"/data"}, Env: []Env{{Name: "HOME", Value: "/home/me"}}}
	server, _ := req.Objects(e, launch)
	if server.Spec.Source.ContainerImage.Ref != "node-runtime:22" {
		t.Errorf("image %q", server.Spec.Source.ContainerImage.Ref)
	}
	if diff := cmp.Diff(&mcpv1beta1.StdioConfig{Command: []string{"npx", "--yes", "@example/files@1.0.0"}}, server.Spec.Stdio); diff != "" {
		t.Errorf("stdio (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/data"}, server.Spec.Config.Arguments); diff != "" {
		t.Errorf("arguments (-want +got):\n%s", diff)
	}
	wantEnv := []corev1.EnvVar{{Name: "TMPDIR", Value: Cache}, {Name: "npm_config_cache", Value: Cache + "/npm"}, {Name: "npm_config_update_notifier", Value: "false"}, {Name: "HOME", Value: "/home/me"}}
	if diff := cmp.Diff(wantEnv, server.Spec.Config.Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	storage := server.Spec.Config.Storage
	if len(storage) != 1 || storage[0].Path != Cache || storage[0].Permissions != mcpv1beta1.MountPermissionsReadWrite ||
		storage[0].Source.Type != mcpv1beta1.StorageTypeEmptyDir || storage[0].Source.EmptyDir.SizeLimit.String() != "1Gi" {
		t.Errorf("storage %+v", storage)
	}
}

func TestRuntimeImagesFlag(t *testing.T) {
	r := RuntimeImages{}
	for _, pair := range []string{"npm=node:22", "pypi=uv:0.9"} {
		if err := r.Set(pair); err != nil {
			t.Fatal(err)
		}
	}
	if r.String() != "npm=node:22,pypi=uv:0.9" {
		t.Errorf("String() = %q", r.String())
	}
	for _, bad := range []string{"npm", "npm=", "cargo=rust:1"} {
		if err := r.Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRuntimeImagesFromEnvironment(t *testing.T) {
	env := map[string]string{"RUNTIME_IMAGE_NPM": "node:22", "RUNTIME_IMAGE_CARGO": "rust:1"}
	r := RuntimeImagesFromEnvironment(func(k string) string { return env[k] })
	if diff := cmp.Diff(RuntimeImages{catalog.PackageNPM: "node:22"}, r); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := r.Set("npm=node:24"); err != nil || r[catalog.PackageNPM] != "node:24" {
		t.Errorf("a flag does not override the environment: %v %v", err, r)
	}
}
