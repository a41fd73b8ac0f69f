// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// createdMemory is how long a create is remembered while the cache does not show it. Watch
// events arrive within moments; an object the cache still lacks after this is looked for again.
const createdMemory = 30 * time.Second

// createdObjects remembers the objects the reconciler created until the cache shows them. A
// reconcile that runs before the watch delivers a create (the Deployment's often comes first,
// the Service's a moment later) would otherwise find the object missing, try to create it
// again, and read it back to learn that it is its own: two requests for nothing.
type createdObjects struct {
	mu    sync.Mutex
	byKey map[createdKey]createdObject
}

type createdKey struct {
	gvk  schema.GroupVersionKind
	name types.NamespacedName
}

type createdObject struct {
	// hash is the applied-configuration digest the object was created with.
	hash string
	at   time.Time
}

func newCreatedObjects() *createdObjects {
	return &createdObjects{byKey: map[createdKey]createdObject{}}
}

// add notes that the object was created as the digest says.
func (c *createdObjects) add(gvk schema.GroupVersionKind, name types.NamespacedName, hash string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byKey[createdKey{gvk, name}] = createdObject{hash: hash, at: now}
}

// pending reports whether the object was created as the digest says less than createdMemory
// ago, so that its absence from the cache is the watch running behind.
func (c *createdObjects) pending(gvk schema.GroupVersionKind, name types.NamespacedName, hash string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.byKey[createdKey{gvk, name}]
	if ok && now.Sub(o.at) >= createdMemory {
		delete(c.byKey, createdKey{gvk, name})
		return false
	}
	return ok && o.hash == hash
}

// seen forgets the create once the cache shows the object.
func (c *createdObjects) seen(gvk schema.GroupVersionKind, name types.NamespacedName) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byKey, createdKey{gvk, name})
}

// forget drops every create of a server's objects (named after it): the server is gone.
func (c *createdObjects) forget(name types.NamespacedName) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.byKey {
		if k.name == name {
			delete(c.byKey, k)
		}
	}
}

// seenOnDelete wraps the event handler of a managed kind's watch so that a delete event
// forgets the object's create before the handler enqueues its server. The cache held the
// object, or it would have nothing to delete, so a reconcile must not take its absence for
// the watch running behind: an object deleted, or stripped of the label the cache selects on,
// before any reconcile saw it is made again at once, not after createdMemory.
func (c *createdObjects) seenOnDelete(gvk schema.GroupVersionKind, inner handler.EventHandler) handler.EventHandler {
	return seenOnDelete{EventHandler: inner, created: c, gvk: gvk}
}

type seenOnDelete struct {
	handler.EventHandler
	created *createdObjects
	gvk     schema.GroupVersionKind
}

func (s seenOnDelete) Delete(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	s.created.seen(s.gvk, client.ObjectKeyFromObject(e.Object))
	s.EventHandler.Delete(ctx, e, q)
}
