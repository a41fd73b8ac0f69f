// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
)

// TestACreateIsRememberedUntilTheCacheShowsIt: an object created as rendered is taken for
// existing while the cache lags, for createdMemory at most, and only with the same digest.
func TestACreateIsRememberedUntilTheCacheShowsIt(t *testing.T) {
	gvk := appsv1.SchemeGroupVersion.WithKind("Deployment")
	name := types.NamespacedName{Namespace: "ns", Name: "weather"}
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	c := newCreatedObjects()
	if c.pending(gvk, name, "h1", t0) {
		t.Fatal("pending before any create")
	}
	c.add(gvk, name, "h1", t0)
	if !c.pending(gvk, name, "h1", t0.Add(time.Second)) {
		t.Error("not pending a second after the create")
	}
	if c.pending(gvk, name, "h2", t0.Add(time.Second)) {
		t.Error("pending for another digest: a changed render must be applied")
	}
	if c.pending(appsv1.SchemeGroupVersion.WithKind("ReplicaSet"), name, "h1", t0.Add(time.Second)) {
		t.Error("pending for another kind")
	}
	if c.pending(gvk, name, "h1", t0.Add(createdMemory)) {
		t.Error("still pending after createdMemory: an object the watch never showed must be looked for again")
	}
	c.add(gvk, name, "h1", t0)
	c.seen(gvk, name)
	if c.pending(gvk, name, "h1", t0) {
		t.Error("pending after the cache showed it")
	}
	c.add(gvk, name, "h1", t0)
	c.forget(name)
	if c.pending(gvk, name, "h1", t0) || len(c.byKey) != 0 {
		t.Error("pending after the server was forgotten")
	}
}
