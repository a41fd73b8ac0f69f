// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package imageconfig reads what an image runs, its entrypoint and command, from its registry
// (go-containerregistry), with the credentials of the pod's pull secrets: a stdio server whose
// MCPServer gives no command is started as its image says, never as guessed.
package imageconfig

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Process is what an image runs: the entrypoint, then the command as its default arguments.
type Process struct {
	Entrypoint, Cmd []string
}

// Resolver reads images' processes and keeps them: by digest for good, by tag for TagTTL.
type Resolver struct {
	// Timeout bounds one registry read (default 15s).
	Timeout time.Duration
	// TagTTL is how long a tag's answer is kept (default 10m).
	TagTTL time.Duration

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	process Process
	until   time.Time // zero: for good (a digest)
}

// Process reads what the image ref runs, for linux/amd64 where the ref is an index. pullSecrets
// are the .dockerconfigjson (or .dockercfg) data of the pod's pull secrets, tried in order
// before anonymous access.
func (r *Resolver) Process(ctx context.Context, ref string, pullSecrets [][]byte) (Process, error) {
	parsed, err := name.ParseReference(ref)
	if err != nil {
		return Process{}, fmt.Errorf("the image reference %q: %w", ref, err)
	}
	key := parsed.Name() + "\x00" + secretsKey(pullSecrets)
	if p, ok := r.lookup(key); ok {
		return p, nil
	}
	ctx, cancel := context.WithTimeout(ctx, orDefault(r.Timeout, 15*time.Second))
	defer cancel()
	img, err := remote.Image(parsed, remote.WithContext(ctx), remote.WithAuthFromKeychain(secretsKeychain(pullSecrets)),
		remote.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"}))
	if err != nil {
		return Process{}, fmt.Errorf("reading the image %s from its registry: %w", ref, err)
	}
	config, err := img.ConfigFile()
	if err != nil {
		return Process{}, fmt.Errorf("reading the configuration of the image %s: %w", ref, err)
	}
	p := Process{Entrypoint: config.Config.Entrypoint, Cmd: config.Config.Cmd}
	var until time.Time
	if _, isDigest := parsed.(name.Digest); !isDigest {
		until = time.Now().Add(orDefault(r.TagTTL, 10*time.Minute))
	}
	r.mu.Lock()
	if r.cache == nil {
		r.cache = map[string]cached{}
	}
	r.cache[key] = cached{process: p, until: until}
	r.mu.Unlock()
	return p, nil
}

func (r *Resolver) lookup(key string) (Process, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.cache[key]
	if !ok || !c.until.IsZero() && time.Now().After(c.until) {
		return Process{}, false
	}
	return c.process, true
}

func secretsKey(secrets [][]byte) string {
	var b strings.Builder
	for _, s := range secrets {
		fmt.Fprintf(&b, "%d:%s;", len(s), s)
	}
	return b.String()
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// secretsKeychain finds credentials for a registry in docker config data, as the kubelet does
// with a pod's pull secrets: the first secret with an entry for the registry wins.
type secretsKeychain [][]byte

func (k secretsKeychain) Resolve(resource authn.Resource) (authn.Authenticator, error) {
	registry := resource.RegistryStr()
	for _, data := range k {
		for host, entry := range dockerAuths(data) {
			if hostOf(host) != registry && !(registry == name.DefaultRegistry && hostOf(host) == "docker.io") {
				continue
			}
			cfg := authn.AuthConfig{Username: entry.Username, Password: entry.Password}
			if entry.Auth != "" {
				if raw, err := base64.StdEncoding.DecodeString(entry.Auth); err == nil {
					cfg.Username, cfg.Password, _ = strings.Cut(string(raw), ":")
				}
			}
			return authn.FromConfig(cfg), nil
		}
	}
	return authn.Anonymous, nil
}

type dockerAuth struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Auth     string `json:"auth"`
}

// dockerAuths reads .dockerconfigjson ({"auths": {...}}) or the older .dockercfg ({...}).
func dockerAuths(data []byte) map[string]dockerAuth {
	var config struct {
		Auths map[string]dockerAuth `json:"auths"`
	}
	if json.Unmarshal(data, &config) == nil && config.Auths != nil {
		return config.Auths
	}
	var legacy map[string]dockerAuth
	if json.Unmarshal(data, &legacy) == nil {
		return legacy
	}
	return nil
}

// hostOf is the registry host of a docker config key: "https://quay.io/v1/" is quay.io.
func hostOf(key string) string {
	key = strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://")
	host, _, _ := strings.Cut(key, "/")
	return host
}
