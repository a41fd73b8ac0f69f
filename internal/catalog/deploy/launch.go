// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog"
)

// RuntimeImages are the images an admin chose to run packages in, by package type (npm, pypi).
// Each must hold the type's runner (npx, uvx) on its PATH and run as a non-root user.
type RuntimeImages map[string]string

// String lists the images as the --runtime-image flag takes them.
func (r RuntimeImages) String() string {
	pairs := make([]string, 0, len(r))
	for t, image := range r {
		pairs = append(pairs, t+"="+image)
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}

// Set reads one TYPE=IMAGE pair of the --runtime-image flag.
func (r RuntimeImages) Set(pair string) error {
	t, image, ok := strings.Cut(pair, "=")
	switch {
	case !ok || image == "":
		return fmt.Errorf("want TYPE=IMAGE (for example npm=registry.example.com/node:22), not %q", pair)
	case runners[t] == nil:
		return fmt.Errorf("package type %q: the catalog starts %s packages", t, strings.Join(runnerTypes(), " and "))
	}
	r[t] = image
	return nil
}

// EnvironmentVariable is the variable that names the runtime image of a package type when no
// flag does, RUNTIME_IMAGE_NPM or RUNTIME_IMAGE_PYPI: OLM sets the environment of an operator's
// Deployments from its Subscription's config, not their arguments.
func EnvironmentVariable(packageType string) string {
	return "RUNTIME_IMAGE_" + strings.ToUpper(packageType)
}

// RuntimeImagesFromEnvironment reads the runtime images the environment names.
func RuntimeImagesFromEnvironment(getenv func(string) string) RuntimeImages {
	r := RuntimeImages{}
	for _, t := range runnerTypes() {
		if image := getenv(EnvironmentVariable(t)); image != "" {
			r[t] = image
		}
	}
	return r
}

// Cache is where a runner keeps what it downloads: an emptyDir, since the root filesystem is
// read-only, shared by the processes of a pod so that a package is fetched once per pod.
const Cache = "/mcp-cache"

// runner starts a package of one type: the command, and the environment that points its
// caches, HOME and TMPDIR (which runners also write to) at the cache volume.
type runner struct {
	command func(p catalog.Package) []string
	env     []corev1.EnvVar
}

var runners = map[string]*runner{
	catalog.PackageNPM: {
		command: func(p catalog.Package) []string { return []string{"npx", "--yes", versioned(p, "@")} },
		env: []corev1.EnvVar{{Name: "HOME", Value: Cache}, {Name: "TMPDIR", Value: Cache}, {Name: "npm_config_cache", Value: Cache + "/npm"},
			{Name: "npm_config_update_notifier", Value: "false"}},
	},
	catalog.PackagePyPI: {
		command: func(p catalog.Package) []string { return []string{"uvx", versioned(p, "==")} },
		env:     []corev1.EnvVar{{Name: "HOME", Value: Cache}, {Name: "TMPDIR", Value: Cache}, {Name: "UV_CACHE_DIR", Value: Cache + "/uv"}},
	},
}

func runnerTypes() []string {
	types := make([]string, 0, len(runners))
	for t := range runners {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}

func versioned(p catalog.Package, separator string) string {
	if p.Version == "" {
		return p.Identifier
	}
	return p.Identifier + separator + p.Version
}

// Launch is what runs for a catalog entry: the image, and for a server that speaks stdio only,
// the command the operator's bridge starts (empty: the image's own).
type Launch struct {
	Image string `json:"image"`
	// Stdio says that the server runs behind the stdio bridge.
	Stdio bool `json:"stdio"`
	// Command is the program and its first arguments; the form's arguments follow.
	Command []string `json:"command,omitempty"`

	env     []corev1.EnvVar
	storage []mcpv1beta1.StorageMount
}

// LaunchOf says how an entry runs, or why it cannot run in this cluster: a server over HTTP
// from its image; a stdio server from its image behind the bridge; a package in the runtime
// image of its type, started by its runner behind the bridge.
func LaunchOf(e catalog.Entry, images RuntimeImages) (Launch, error) {
	switch {
	case e.Package != nil:
		return packageLaunch(e, images)
	case e.SpeaksHTTP():
		return Launch{Image: e.Image}, nil
	case e.SpeaksStdio():
		return Launch{Image: e.Image, Stdio: true}, nil
	}
	return Launch{}, fmt.Errorf("the catalog entry names no transport the operator serves (stdio, streamable-http or sse)")
}

func packageLaunch(e catalog.Entry, images RuntimeImages) (Launch, error) {
	p := *e.Package
	r := runners[p.Type]
	switch {
	case r == nil:
		return Launch{}, fmt.Errorf("this server is a %s package, which the catalog cannot start", p.Type)
	case !e.SpeaksStdio():
		return Launch{}, fmt.Errorf("this %s package serves MCP over HTTP; the catalog starts packages that speak stdio", p.Type)
	case images[p.Type] == "":
		return Launch{}, fmt.Errorf("no runtime image for %s packages is configured: an admin starts the catalog with --runtime-image %s=IMAGE (or %s; Helm value catalog.runtimeImages.%s)",
			p.Type, p.Type, EnvironmentVariable(p.Type), p.Type)
	}
	size := resource.MustParse("1Gi")
	return Launch{
		Image: images[p.Type], Stdio: true, Command: r.command(p), env: r.env,
		storage: []mcpv1beta1.StorageMount{{Path: Cache, Permissions: mcpv1beta1.MountPermissionsReadWrite,
			Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeEmptyDir, EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &size}}}},
	}, nil
}
