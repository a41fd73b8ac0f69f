// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package platform tells what the cluster serves beyond Kubernetes itself: whether OpenShift's
// Route API and the Gateway API's HTTPRoute are there, so that the operator runs the same on
// plain Kubernetes and exposes servers through them where it can.
package platform

import (
	"sync"
	"time"

	routev1 "github.com/openshift/api/route/v1"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// API is an optional API the operator uses where the cluster serves it.
type API int

const (
	// RouteAPI is OpenShift's route.openshift.io/v1 Route (spec.expose.route).
	RouteAPI API = iota
	// HTTPRouteAPI is the Gateway API's gateway.networking.k8s.io/v1 HTTPRoute (spec.gateway).
	HTTPRouteAPI
	apiCount
)

// optionalAPIs names each API's group version and resource, as discovery lists them.
var optionalAPIs = [apiCount]struct {
	groupVersion, resource, says string
}{
	RouteAPI:     {routev1.GroupVersion.String(), "routes", "the cluster serves OpenShift Routes; MCPServers can be exposed through them"},
	HTTPRouteAPI: {gatewayv1.GroupVersion.String(), "httproutes", "the cluster serves Gateway API HTTPRoutes; MCPServers can be routed through a Gateway"},
}

// APIs says which optional APIs the cluster serves.
type APIs struct {
	Routes, HTTPRoutes bool
}

// Has says whether api is among them.
func (a APIs) Has(api API) bool {
	switch api {
	case RouteAPI:
		return a.Routes
	case HTTPRouteAPI:
		return a.HTTPRoutes
	default:
		return false
	}
}

func (a *APIs) set(api API) {
	switch api {
	case RouteAPI:
		a.Routes = true
	case HTTPRouteAPI:
		a.HTTPRoutes = true
	}
}

// Detector tells which optional APIs the cluster serves. It asks discovery at start-up, and
// again, at most once per recheck interval, when an MCPServer asks for one that the last answer
// said was missing: so the operator runs the same on plain Kubernetes and notices an API when
// it appears (an OpenShift upgrade, a CRD installed later). Once seen, an API stays.
type Detector struct {
	discovery discovery.DiscoveryInterface
	recheck   time.Duration

	mu        sync.Mutex
	served    APIs
	checkedAt [apiCount]time.Time
	// onServed run once each, the first time their API is seen (to start watching its kinds).
	onServed [apiCount]func()
	once     [apiCount]sync.Once
}

// New detects the platform now.
func New(d discovery.DiscoveryInterface, recheck time.Duration) *Detector {
	p := &Detector{discovery: d, recheck: recheck}
	for api := range apiCount {
		p.detect(api)
	}
	return p
}

// OnServed runs f once the cluster is seen to serve api: now, if it already does, or when a
// later check finds it.
func (p *Detector) OnServed(api API, f func()) {
	p.mu.Lock()
	p.onServed[api] = f
	served := p.served.Has(api)
	p.mu.Unlock()
	if served {
		p.once[api].Do(f)
	}
}

// Recheck is how often a missing API is looked for again while an MCPServer wants it.
func (p *Detector) Recheck() time.Duration { return p.recheck }

// Served says which optional APIs the cluster serves. An API that wanted has and the last
// answer lacked is looked for again when the recheck interval has passed.
func (p *Detector) Served(wanted APIs) APIs {
	for api := range apiCount {
		p.mu.Lock()
		stale := !p.served.Has(api) && wanted.Has(api) && time.Since(p.checkedAt[api]) >= p.recheck
		p.mu.Unlock()
		if stale {
			p.detect(api)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.served
}

func (p *Detector) detect(api API) {
	spec := optionalAPIs[api]
	resources, err := p.discovery.ServerResourcesForGroupVersion(spec.groupVersion)
	found := false
	if err == nil {
		for _, r := range resources.APIResources {
			if r.Name == spec.resource {
				found = true
			}
		}
	}
	p.mu.Lock()
	first := found && !p.served.Has(api)
	if found {
		p.served.set(api)
	}
	p.checkedAt[api] = time.Now()
	onServed := p.onServed[api]
	p.mu.Unlock()
	if first {
		ctrl.Log.WithName("platform").Info(spec.says)
		if onServed != nil {
			p.once[api].Do(onServed)
		}
	}
}
