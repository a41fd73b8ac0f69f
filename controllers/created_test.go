// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
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

// TestADeleteEventForgetsTheCreate: the watch deleting an object (or dropping it for a lost
// label) proves the cache held it, so its create is forgotten before its server is enqueued,
// and the reconcile that follows makes it again instead of waiting out createdMemory.
func TestADeleteEventForgetsTheCreate(t *testing.T) {
	gvk := appsv1.SchemeGroupVersion.WithKind("Deployment")
	name := types.NamespacedName{Namespace: "ns", Name: "weather"}
	c := newCreatedObjects()
	c.add(gvk, name, "h1", time.Now())
	var pendingWhenEnqueued []bool
	inner := handler.Funcs{DeleteFunc: func(context.Context, event.DeleteEvent, workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		pendingWhenEnqueued = append(pendingWhenEnqueued, c.pending(gvk, name, "h1", time.Now()))
	}}
	h := c.seenOnDelete(gvk, inner)

	other := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "other"}}
	h.Delete(context.Background(), event.DeleteEvent{Object: other}, nil)
	if !c.pending(gvk, name, "h1", time.Now()) {
		t.Error("another Deployment's delete forgot this one's create")
	}
	h.Delete(context.Background(), event.DeleteEvent{Object: &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "weather"}}}, nil)
	if want := []bool{true, false}; !slices.Equal(pendingWhenEnqueued, want) {
		t.Errorf("pending when the handler enqueued: %v, want %v (the delete must reach the handler, after the create is forgotten)", pendingWhenEnqueued, want)
	}
}
