// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package platform

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clienttesting "k8s.io/client-go/testing"
)

// newDiscovery is client-go's fake discovery: a pure unit test of the timing; what a real API
// server says about Routes is tested in controllers/route_test.go.
func newDiscovery() *fakediscovery.FakeDiscovery {
	return &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
}

func serveRoutes(d *fakediscovery.FakeDiscovery) {
	d.Resources = []*metav1.APIResourceList{{GroupVersion: "route.openshift.io/v1", APIResources: []metav1.APIResource{{Name: "routes", Kind: "Route"}}}}
}

// TestTheRouteAPIIsLookedForAgainOnlyWhenWantedAndDue: no Route API at start; nobody wanting a
// Route asks nothing; wanting one asks again only once the recheck interval has passed; once
// seen, OnRoutes runs exactly once and the answer stays.
func TestTheRouteAPIIsLookedForAgainOnlyWhenWantedAndDue(t *testing.T) {
	d := newDiscovery()
	p := New(d, time.Hour)
	if p.Served(APIs{Routes: true}).Routes {
		t.Fatal("Routes without the Route API")
	}
	started := 0
	p.OnServed(RouteAPI, func() { started++ })
	serveRoutes(d)
	if p.Served(APIs{Routes: true}).Routes {
		t.Error("looked again before the recheck interval passed")
	}
	p.checkedAt[RouteAPI] = time.Now().Add(-2 * time.Hour)
	if p.Served(APIs{Routes: false}).Routes {
		t.Error("looked again although no Route is wanted")
	}
	if !p.Served(APIs{Routes: true}).Routes {
		t.Fatal("did not notice the Route API once due")
	}
	if started != 1 {
		t.Errorf("OnServed ran %d times, want once", started)
	}
	d.Resources = nil
	p.checkedAt[RouteAPI] = time.Now().Add(-2 * time.Hour)
	if !p.Served(APIs{Routes: true}).Routes {
		t.Error("forgot the Route API")
	}
	p.OnServed(RouteAPI, func() { started++ })
	if started != 1 {
		t.Errorf("OnServed ran again (%d)", started)
	}
	if p.Recheck() != time.Hour {
		t.Errorf("Recheck %s", p.Recheck())
	}
}

func TestTheRouteAPIPresentAtStart(t *testing.T) {
	d := newDiscovery()
	serveRoutes(d)
	p := New(d, time.Minute)
	started := 0
	p.OnServed(RouteAPI, func() { started++ })
	if !p.Served(APIs{Routes: false}).Routes || started != 1 {
		t.Errorf("Routes %v, OnServed ran %d times", p.Served(APIs{Routes: false}).Routes, started)
	}
}

// TestEachAPIIsDetectedOnItsOwn: the HTTPRoute API is found without the Route API, and wanting
// one does not look for the other.
func TestEachAPIIsDetectedOnItsOwn(t *testing.T) {
	d := newDiscovery()
	d.Resources = []*metav1.APIResourceList{{GroupVersion: "gateway.networking.k8s.io/v1", APIResources: []metav1.APIResource{{Name: "httproutes", Kind: "HTTPRoute"}}}}
	p := New(d, time.Hour)
	started := 0
	p.OnServed(HTTPRouteAPI, func() { started++ })
	p.OnServed(RouteAPI, func() { t.Error("the Route API's watches started without it") })
	if got := p.Served(APIs{}); got != (APIs{HTTPRoutes: true}) || started != 1 {
		t.Errorf("served %+v, HTTPRoute watches started %d times", got, started)
	}
}
