// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package npmregistry serves npm packages from folders of this repository, as the npm
// registry does for `npm install` and `npx`: a packument per package and its tarball, so that
// tests run package runners without reaching the internet.
package npmregistry

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha1" //nolint:gosec // npm's dist.shasum is SHA-1; integrity is SHA-512 besides
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Registry is an npm registry serving fixed packages over plain HTTP.
type Registry struct {
	// URL is its base, ending in '/'.
	URL      string
	server   *http.Server
	packages map[string]pkg
}

type pkg struct {
	name, version string
	manifest      map[string]any
	tarball       []byte
}

// Start serves the packages in dirs (each a folder with a package.json) on addr.
func Start(addr string, dirs ...string) (*Registry, error) {
	r := &Registry{packages: map[string]pkg{}}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r.URL = "http://" + l.Addr().String() + "/"
	for _, dir := range dirs {
		p, err := pack(dir)
		if err != nil {
			_ = l.Close()
			return nil, err
		}
		r.packages[p.name] = p
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{name}", r.packument)
	mux.HandleFunc("GET /{name}/-/{file}", r.file)
	r.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.server.Serve(l) }()
	return r, nil
}

// Stop ends the registry.
func (r *Registry) Stop() error { return r.server.Close() }

func (r *Registry) tarballURL(p pkg) string {
	return fmt.Sprintf("%s%s/-/%s-%s.tgz", r.URL, p.name, p.name, p.version)
}

// packument is the package's document: its one version, with where its tarball is and its digests.
func (r *Registry) packument(w http.ResponseWriter, req *http.Request) {
	p, ok := r.packages[req.PathValue("name")]
	if !ok {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	sha512sum := sha512.Sum512(p.tarball)
	sha1sum := sha1.Sum(p.tarball) //nolint:gosec // see the import
	version := map[string]any{}
	for k, v := range p.manifest {
		version[k] = v
	}
	version["dist"] = map[string]any{"tarball": r.tarballURL(p), "shasum": hex.EncodeToString(sha1sum[:]),
		"integrity": "sha512-" + base64.StdEncoding.EncodeToString(sha512sum[:])}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"name": p.name, "dist-tags": map[string]string{"latest": p.version},
		"versions": map[string]any{p.version: version}})
}

func (r *Registry) file(w http.ResponseWriter, req *http.Request) {
	p, ok := r.packages[req.PathValue("name")]
	if !ok || req.PathValue("file") != fmt.Sprintf("%s-%s.tgz", p.name, p.version) {
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(p.tarball)
}

// pack makes a package's tarball as `npm pack` does: its files under package/.
func pack(dir string) (pkg, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return pkg{}, err
	}
	var manifest map[string]any
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return pkg{}, fmt.Errorf("%s: %w", dir, err)
	}
	name, _ := manifest["name"].(string)
	version, _ := manifest["version"].(string)
	if name == "" || version == "" {
		return pkg{}, fmt.Errorf("%s: package.json needs a name and a version", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return pkg{}, err
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			files = append(files, e.Name())
		}
	}
	sort.Strings(files)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return pkg{}, err
		}
		if err := tw.WriteHeader(&tar.Header{Name: "package/" + f, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0)}); err != nil {
			return pkg{}, err
		}
		if _, err := tw.Write(data); err != nil {
			return pkg{}, err
		}
	}
	if err := tw.Close(); err != nil {
		return pkg{}, err
	}
	if err := gz.Close(); err != nil {
		return pkg{}, err
	}
	return pkg{name: name, version: version, manifest: manifest, tarball: buf.Bytes()}, nil
}
