// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package platform tells what the cluster serves beyond Kubernetes itself: today, whether
// OpenShift's Route API is there, so that the operator runs the same on plain Kubernetes and
// exposes servers through Routes where it can.
package platform

import (
	"sync"
	"time"

	routev1 "github.com/openshift/api/route/v1"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"
)

// Detector tells whether the cluster serves the OpenShift Route API. It asks discovery at
// start-up, and again, at most once per recheck interval, when an MCPServer asks for a Route that
// the last answer said was impossible: so the operator runs the same on plain Kubernetes and
// notices the API when it appears (an OpenShift upgrade, a CRD installed later).
type Detector struct {
	discovery discovery.DiscoveryInterface
	recheck   time.Duration
	// onRoutes runs once, the first time the Route API is seen (to start watching Routes).
	onRoutes func()

	mu        sync.Mutex
	routes    bool
	checkedAt time.Time
	once      sync.Once
}

// New detects the platform now.
func New(d discovery.DiscoveryInterface, recheck time.Duration) *Detector {
	p := &Detector{discovery: d, recheck: recheck}
	p.detect()
	return p
}

// OnRoutes sets what to do the first time the Route API is seen; it runs at once if it already was.
func (p *Detector) OnRoutes(f func()) {
	p.mu.Lock()
	p.onRoutes = f
	routes := p.routes
	p.mu.Unlock()
	if routes {
		p.once.Do(f)
	}
}

// Recheck is how long, at most, a missing Route API goes without another look while wanted.
func (p *Detector) Recheck() time.Duration { return p.recheck }

// Routes reports whether the Route API is served. When a Route is wanted and the API was not
// there at the last look, it looks again if the recheck interval has passed.
func (p *Detector) Routes(wanted bool) bool {
	p.mu.Lock()
	stale := !p.routes && wanted && time.Since(p.checkedAt) >= p.recheck
	p.mu.Unlock()
	if stale {
		p.detect()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.routes
}

// detect asks discovery whether route.openshift.io/v1 serves routes.
func (p *Detector) detect() {
	resources, err := p.discovery.ServerResourcesForGroupVersion(routev1.GroupVersion.String())
	found := false
	if err == nil {
		for _, r := range resources.APIResources {
			if r.Name == "routes" {
				found = true
			}
		}
	}
	p.mu.Lock()
	first := found && !p.routes
	p.routes = p.routes || found
	p.checkedAt = time.Now()
	onRoutes := p.onRoutes
	p.mu.Unlock()
	if first {
		ctrl.Log.WithName("platform").Info("the cluster serves OpenShift Routes; MCPServers can be exposed through them")
		if onRoutes != nil {
			p.once.Do(onRoutes)
		}
	}
}
