// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package ociimage

import (
	"archive/tar"
	"io"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func testSpec() Spec {
	return Spec{
		Files:      map[string]File{"/manager": {Data: []byte("#!binary"), Mode: 0o755}, "/etc/app/config": {Data: []byte("x")}},
		Entrypoint: []string{"/manager"},
	}
}

// TestBuildIsTheDockerfilesFinalStage: non-root 65532, the entrypoint, the files with their
// folders, linux/amd64, and the same digest for the same files (no timestamps leak in).
func TestBuildIsTheDockerfilesFinalStage(t *testing.T) {
	img, err := Build(testSpec())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config.User != "65532:65532" || cfg.OS != "linux" || cfg.Architecture != "amd64" ||
		len(cfg.Config.Entrypoint) != 1 || cfg.Config.Entrypoint[0] != "/manager" {
		t.Errorf("config: user %q, %s/%s, entrypoint %v", cfg.Config.User, cfg.OS, cfg.Architecture, cfg.Config.Entrypoint)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers (%v), want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got := map[string]int64{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s is owned by %d:%d, want root (the user cannot change its own binary)", h.Name, h.Uid, h.Gid)
		}
		got[h.Name] = h.Mode
	}
	for entry, mode := range map[string]int64{"manager": 0o755, "etc/": 0o755, "etc/app/": 0o755, "etc/app/config": 0o644} {
		if got[entry] != mode {
			t.Errorf("layer entry %s has mode %o, want %o (entries %v)", entry, got[entry], mode, got)
		}
	}
	again, err := Build(testSpec())
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := img.Digest()
	d2, _ := again.Digest()
	if d1 != d2 {
		t.Errorf("two builds of the same files differ: %s and %s", d1, d2)
	}
}

func TestBuildRefusesARelativePath(t *testing.T) {
	img, err := Build(Spec{Files: map[string]File{"manager": {Data: []byte("x")}}})
	if err == nil {
		_, err = img.Digest()
	}
	if err == nil {
		t.Fatal("a relative path was accepted")
	}
}

// TestRegistryServesAnImageUnderItsUpstreamPath: quay.io/org/repo:tag is pulled from the
// loopback registry as org/repo:tag, which is what the node's mirror asks for.
func TestRegistryServesAnImageUnderItsUpstreamPath(t *testing.T) {
	reg, err := StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Stop()
	img, err := Build(testSpec())
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Push("quay.io/mcp-operator/mcp-operator:v0.1.0", img); err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(reg.Addr+"/mcp-operator/mcp-operator:v0.1.0", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	pulled, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if got, _ := pulled.Digest(); got != want {
		t.Errorf("pulled %s, pushed %s", got, want)
	}
	missing, _ := name.ParseReference(reg.Addr+"/mcp-operator/missing:v1", name.Insecure)
	if _, err := remote.Image(missing); err == nil {
		t.Error("an image never pushed was served")
	}
}
