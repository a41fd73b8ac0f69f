// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package imageconfig_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/mcp-operator/mcp-operator/internal/imageconfig"
)

// serveRegistry runs a registry on loopback, behind Basic authentication when user is set,
// and pushes an image with the entrypoint and command to repo:tag; it returns the reference
// and a count of the registry's requests.
func serveRegistry(t *testing.T, user, password string, entrypoint, cmd []string) (string, *atomic.Int64) {
	t.Helper()
	var requests atomic.Int64
	reg := registry.New()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if u, p, ok := r.BasicAuth(); user != "" && (!ok || u != user || p != password) {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ref := strings.TrimPrefix(srv.URL, "http://") + "/mcp/stdio-server:1.0"
	img, err := mutate.Config(empty.Image, v1.Config{Entrypoint: entrypoint, Cmd: cmd})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	auth := remote.WithAuth(basic{user, password})
	if err := remote.Write(parsed, img, auth); err != nil {
		t.Fatal(err)
	}
	requests.Store(0)
	return ref, &requests
}

type basic struct{ user, password string }

func (b basic) Authorization() (*authn.AuthConfig, error) {
	return &authn.AuthConfig{Username: b.user, Password: b.password}, nil
}

func TestProcessIsReadFromTheRegistry(t *testing.T) {
	ref, requests := serveRegistry(t, "", "", []string{"node", "/app/index.js"}, []string{"--stdio"})
	r := &imageconfig.Resolver{}
	p, err := r.Process(context.Background(), ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Entrypoint, []string{"node", "/app/index.js"}) || !slices.Equal(p.Cmd, []string{"--stdio"}) {
		t.Errorf("process %+v, want the image's entrypoint and command", p)
	}
	n := requests.Load()
	if _, err := r.Process(context.Background(), ref, nil); err != nil || requests.Load() != n {
		t.Errorf("a second read asked the registry again (%d requests, then %d): %v", n, requests.Load(), err)
	}
}

func TestPullSecretsAreUsed(t *testing.T) {
	ref, _ := serveRegistry(t, "robot", "s3cret", []string{"/server"}, nil)
	host, _, _ := strings.Cut(ref, "/")
	r := &imageconfig.Resolver{}
	if _, err := r.Process(context.Background(), ref, nil); err == nil {
		t.Fatal("read without credentials")
	}
	other := []byte(`{"auths": {"quay.io": {"auth": "eDp5"}}}`)
	secret := []byte(`{"auths": {"` + host + `": {"username": "robot", "password": "s3cret"}}}`)
	p, err := r.Process(context.Background(), ref, [][]byte{other, secret})
	if err != nil || !slices.Equal(p.Entrypoint, []string{"/server"}) {
		t.Fatalf("with the pull secret: %+v, %v", p, err)
	}
	legacy := []byte(`{"https://` + host + `/v1/": {"auth": "cm9ib3Q6czNjcmV0"}}`) // robot:s3cret
	if _, err := (&imageconfig.Resolver{}).Process(context.Background(), ref, [][]byte{legacy}); err != nil {
		t.Errorf("with a .dockercfg secret: %v", err)
	}
}

func TestMissingImageIsAnError(t *testing.T) {
	ref, _ := serveRegistry(t, "", "", []string{"/server"}, nil)
	_, err := (&imageconfig.Resolver{}).Process(context.Background(), strings.Replace(ref, ":1.0", ":2.0", 1), nil)
	if err == nil || !strings.Contains(err.Error(), "reading the image") {
		t.Fatalf("a missing tag: %v", err)
	}
	if _, err := (&imageconfig.Resolver{}).Process(context.Background(), "not a reference", nil); err == nil {
		t.Error("an invalid reference was read")
	}
}
