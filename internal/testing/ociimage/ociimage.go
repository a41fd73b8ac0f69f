// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package ociimage builds OCI images without a container engine and serves them from a
// registry on loopback, for the real node of the local cluster: static binaries on an empty
// base, run as the numeric non-root user of distroless' nonroot images, as the Dockerfile's
// final stage does.
package ociimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// NonRoot is the user and group images run as: distroless' nonroot (65532).
const NonRoot = "65532:65532"

// File is one file of an image: its content comes from Source (a file on this machine) or,
// when Source is empty, from Data; or, when Link is set, it is a symbolic link to Link.
type File struct {
	Source string
	Data   []byte
	Mode   int64
	Link   string
}

// Spec describes an image: its files by absolute path, and how it starts.
type Spec struct {
	Files map[string]File
	// Dirs are empty folders by absolute path, with their modes (e.g. 01777 for /tmp).
	Dirs       map[string]int64
	Entrypoint []string
	Cmd        []string
	Env        []string
	// User defaults to NonRoot.
	User string
}

// Build makes a single-layer linux/amd64 image of the spec.
func Build(s Spec) (v1.Image, error) {
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		raw, err := layerTar(s.Files, s.Dirs)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(raw)), nil
	})
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, err
	}
	user := s.User
	if user == "" {
		user = NonRoot
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	cfg.Config.Entrypoint, cfg.Config.Cmd, cfg.Config.User, cfg.Config.WorkingDir = s.Entrypoint, s.Cmd, user, "/"
	cfg.Config.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin"}, s.Env...)
	return mutate.ConfigFile(img, cfg)
}

// layerTar writes the files, and the folders they need, as a tar owned by root with fixed
// times, so that the same files give the same layer digest.
func layerTar(files map[string]File, emptyDirs map[string]int64) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	dirs := map[string]bool{}
	epoch := time.Unix(0, 0)
	for _, p := range paths {
		if !path.IsAbs(p) {
			return nil, fmt.Errorf("image file %q: the path must be absolute", p)
		}
		for dir := path.Dir(p); dir != "/" && !dirs[dir]; dir = path.Dir(dir) {
			dirs[dir] = true
		}
	}
	modes := map[string]int64{}
	for d, mode := range emptyDirs {
		if !path.IsAbs(d) {
			return nil, fmt.Errorf("image folder %q: the path must be absolute", d)
		}
		modes[d] = mode
		for dir := path.Dir(d); dir != "/" && !dirs[dir]; dir = path.Dir(dir) {
			dirs[dir] = true
		}
		dirs[d] = true
	}
	dirList := make([]string, 0, len(dirs))
	for d := range dirs {
		dirList = append(dirList, d)
	}
	sort.Strings(dirList)
	for _, d := range dirList {
		mode, ok := modes[d]
		if !ok {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/", Mode: mode, ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	for _, p := range paths {
		f := files[p]
		if f.Link != "" {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: strings.TrimPrefix(p, "/"), Linkname: f.Link, Mode: 0o777, ModTime: epoch}); err != nil {
				return nil, err
			}
			continue
		}
		data := f.Data
		if f.Source != "" {
			raw, err := os.ReadFile(f.Source)
			if err != nil {
				return nil, err
			}
			data = raw
		}
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(p, "/"), Mode: mode, Size: int64(len(data)), ModTime: epoch}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Registry is an OCI registry in memory, on loopback, over plain HTTP.
type Registry struct {
	// Addr is its host:port.
	Addr   string
	server *http.Server
}

// StartRegistry serves an empty registry on a free loopback port.
func StartRegistry() (*Registry, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Registry{Addr: l.Addr().String(), server: &http.Server{Handler: registry.New(registry.Logger(nopLogger())), ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = r.server.Serve(l) }()
	return r, nil
}

// Push stores img under the path of ref (quay.io/org/repo:tag is stored as org/repo:tag), so
// that a node whose containerd mirrors ref's registry to this one pulls it by ref.
func (r *Registry) Push(ref string, img v1.Image) error {
	target, err := r.local(ref)
	if err != nil {
		return err
	}
	if err := remote.Write(target, img); err != nil {
		return fmt.Errorf("pushing %s: %w", ref, err)
	}
	return nil
}

// local is the reference in this registry under which ref is stored.
func (r *Registry) local(ref string) (name.Reference, error) {
	parsed, err := name.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	local := r.Addr + "/" + parsed.Context().RepositoryStr()
	switch p := parsed.(type) {
	case name.Tag:
		local += ":" + p.TagStr()
	case name.Digest:
		local += "@" + p.DigestStr()
	}
	return name.ParseReference(local, name.Insecure)
}

// Tag stores the image of ref from under another reference as well, as `crane tag` does, for a
// second version of a program built from the same source.
func (r *Registry) Tag(ref, another string) error {
	local, err := r.local(ref)
	if err != nil {
		return err
	}
	img, err := remote.Image(local)
	if err != nil {
		return fmt.Errorf("reading %s: %w", ref, err)
	}
	return r.Push(another, img)
}

// Stop stops serving.
func (r *Registry) Stop() error { return r.server.Close() }

// ServeAlsoOn serves the registry on another address too (until Stop), for clients that
// cannot reach loopback: pods reach it on their node's address.
func (r *Registry) ServeAlsoOn(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	go func() { _ = r.server.Serve(l) }()
	return nil
}
