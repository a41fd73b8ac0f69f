// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// errNoIdentity: the request carries no credentials to act with.
var errNoIdentity = errors.New("no identity: sign in through the cluster's console or OAuth proxy, which passes your token")

// Identity gives the Kubernetes client to act with for one request.
type Identity interface {
	// ClientFor returns a client that acts as the person making the request.
	ClientFor(r *http.Request) (client.WithWatch, error)
	// Describe says, for the page, whose identity is used.
	Describe() string
}

// BearerIdentity acts with the bearer token of each request, as the OpenShift console and
// oauth-proxy pass it (Authorization: Bearer, or X-Forwarded-Access-Token), so that
// Kubernetes RBAC decides what each person may see and do. The catalog's own credentials are
// never used for cluster actions.
type BearerIdentity struct {
	// Base holds the API server address and CA; its credentials are dropped.
	Base   *rest.Config
	Scheme *runtime.Scheme
	Mapper meta.RESTMapper
	// WrapTransport, when set, wraps each person's transport (to count their requests, say).
	WrapTransport func(http.RoundTripper) http.RoundTripper
}

// ClientFor builds a client with the request's token.
func (b *BearerIdentity) ClientFor(r *http.Request) (client.WithWatch, error) {
	token := bearerToken(r)
	if token == "" {
		return nil, errNoIdentity
	}
	cfg := rest.AnonymousClientConfig(b.Base)
	cfg.BearerToken = token
	cfg.WrapTransport = b.WrapTransport
	return client.NewWithWatch(cfg, client.Options{Scheme: b.Scheme, Mapper: b.Mapper})
}

// Describe says how identities are found.
func (b *BearerIdentity) Describe() string { return "your own (bearer token)" }

func bearerToken(r *http.Request) string {
	if t := r.Header.Get("X-Forwarded-Access-Token"); t != "" {
		return t
	}
	if scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(token)
	}
	return ""
}

// LocalIdentity acts with one fixed identity (the kubeconfig's). Only for the local demo, on a
// loopback address: anyone who can reach the page acts as that identity.
type LocalIdentity struct {
	Client client.WithWatch
}

// ClientFor returns the fixed client.
func (l *LocalIdentity) ClientFor(*http.Request) (client.WithWatch, error) { return l.Client, nil }

// Describe says whose identity is used.
func (l *LocalIdentity) Describe() string { return "the local kubeconfig's (demo mode)" }

// MCPServerAPIServed asks discovery whether the cluster serves MCPServers.
func MCPServerAPIServed(d discovery.DiscoveryInterface) func(ctx context.Context) bool {
	return func(context.Context) bool {
		resources, err := d.ServerResourcesForGroupVersion(mcpv1beta1.GroupVersion.String())
		if err != nil {
			return false
		}
		for _, r := range resources.APIResources {
			if r.Name == "mcpservers" {
				return true
			}
		}
		return false
	}
}
