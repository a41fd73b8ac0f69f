// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command mcp-catalog serves the MCP catalog page: browse MCP servers from catalog sources,
// deploy them as MCPServers, and manage the deployments, acting with each user's own identity.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog/deploy"
	"github.com/mcp-operator/mcp-operator/internal/catalog/page"
	"github.com/mcp-operator/mcp-operator/internal/catalog/sources"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type options struct {
	listen            string
	local             bool
	files             stringList
	configMapNS       string
	configMapSelector string
	noBuiltin         bool
	runtimeImages     deploy.RuntimeImages
}

func main() {
	o := options{runtimeImages: deploy.RuntimeImagesFromEnvironment(os.Getenv)}
	flag.StringVar(&o.listen, "listen", ":8080", "Address to serve the page on.")
	flag.BoolVar(&o.local, "local", false,
		"Act with the kubeconfig's identity instead of each user's bearer token. For the local demo only: "+
			"it requires a loopback --listen address.")
	flag.Var(&o.files, "catalog-file", "A catalog source file (OpenShift AI MCP catalog YAML or server.json); repeatable; re-read when it changes.")
	flag.StringVar(&o.configMapNS, "catalog-configmap-namespace", os.Getenv("POD_NAMESPACE"),
		"Namespace of catalog source ConfigMaps; empty: none.")
	flag.StringVar(&o.configMapSelector, "catalog-configmap-selector", "mcp.x-k8s.io/catalog=true", "Label selector of catalog source ConfigMaps.")
	flag.BoolVar(&o.noBuiltin, "no-builtin-catalog", false, "Leave out the catalog shipped with the operator.")
	flag.Var(o.runtimeImages, "runtime-image",
		"TYPE=IMAGE: the image that runs the catalog's npm or pypi packages, started with npx or uvx, which it must hold, "+
			"as a non-root user; repeatable, one per type, over the environment's RUNTIME_IMAGE_NPM and RUNTIME_IMAGE_PYPI. "+
			"A type without one is not deployable.")
	zapOpts := zap.Options{}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	if err := run(ctrl.SetupSignalHandler(), o); err != nil {
		fmt.Fprintln(os.Stderr, "mcp-catalog:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if o.local && !isLoopback(o.listen) {
		return fmt.Errorf("--local acts with the kubeconfig's identity for anyone who reaches the page, so it needs a loopback --listen address, not %q", o.listen)
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return err
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := mcpv1beta1.AddToScheme(scheme); err != nil {
		return err
	}
	store := sources.NewStore()
	if !o.noBuiltin {
		if err := store.LoadBuiltin(); err != nil {
			return err
		}
	}
	go store.WatchFiles(ctx, o.files, 5*time.Second)
	if o.configMapNS != "" {
		clientset, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			return err
		}
		if err := sources.WatchConfigMaps(ctx, clientset, o.configMapNS, o.configMapSelector, store); err != nil {
			return err
		}
	}
	identity, err := newIdentity(cfg, scheme, o.local)
	if err != nil {
		return err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	server := &page.Server{Store: store, Identity: identity, RuntimeImages: o.runtimeImages,
		CRDAvailable: page.CachedDiscovery(10*time.Second, page.MCPServerAPIServed(disc))}
	// BaseContext: the Deployments tab's event streams end when the catalog shuts down.
	srv := &http.Server{Addr: o.listen, Handler: server.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	ctrl.Log.Info("serving the MCP catalog", "address", o.listen, "identity", identity.Describe())
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newIdentity returns how the catalog acts: as each user (their bearer token), or, in --local
// mode, as the kubeconfig's identity. The REST mapper is shared and uses the catalog's own
// credentials, for discovery only.
func newIdentity(restCfg *rest.Config, scheme *runtime.Scheme, local bool) (page.Identity, error) {
	httpClient, err := rest.HTTPClientFor(restCfg)
	if err != nil {
		return nil, err
	}
	mapper, err := apiutil.NewDynamicRESTMapper(restCfg, httpClient)
	if err != nil {
		return nil, err
	}
	if local {
		c, err := client.NewWithWatch(restCfg, client.Options{Scheme: scheme, Mapper: mapper})
		if err != nil {
			return nil, err
		}
		return &page.LocalIdentity{Client: c}, nil
	}
	return &page.BearerIdentity{Base: restCfg, Scheme: scheme, Mapper: mapper}, nil
}

func isLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
