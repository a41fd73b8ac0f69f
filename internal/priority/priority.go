// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package priority gives the requests an event handler enqueues a priority in
// controller-runtime's priority queue, so that a controller can rank some work (a rollout in
// progress) before other work (the first pass over newly created objects).
package priority

import (
	"context"
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Of makes the requests a handler enqueues carry a priority (when the controller's
// queue is controller-runtime's priority queue, its default). A priority the handler sets
// itself, such as the low one of the initial list, is kept.
func Of[object any](priority int, h handler.TypedEventHandler[object, reconcile.Request]) handler.TypedEventHandler[object, reconcile.Request] {
	return prioritized[object]{inner: h, priority: priority}
}

type prioritized[object any] struct {
	inner    handler.TypedEventHandler[object, reconcile.Request]
	priority int
}

func (p prioritized[object]) Create(ctx context.Context, e event.TypedCreateEvent[object], q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	p.inner.Create(ctx, e, p.queue(q))
}

func (p prioritized[object]) Update(ctx context.Context, e event.TypedUpdateEvent[object], q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	p.inner.Update(ctx, e, p.queue(q))
}

func (p prioritized[object]) Delete(ctx context.Context, e event.TypedDeleteEvent[object], q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	p.inner.Delete(ctx, e, p.queue(q))
}

func (p prioritized[object]) Generic(ctx context.Context, e event.TypedGenericEvent[object], q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	p.inner.Generic(ctx, e, p.queue(q))
}

func (p prioritized[object]) queue(q workqueue.TypedRateLimitingInterface[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
	pq, ok := q.(priorityqueue.PriorityQueue[reconcile.Request])
	if !ok {
		return q
	}
	return queueWithPriority{PriorityQueue: pq, priority: p.priority}
}

// queueWithPriority adds items with a default priority.
type queueWithPriority struct {
	priorityqueue.PriorityQueue[reconcile.Request]
	priority int
}

func (q queueWithPriority) Add(item reconcile.Request) {
	q.AddWithOpts(priorityqueue.AddOpts{}, item)
}

func (q queueWithPriority) AddAfter(item reconcile.Request, after time.Duration) {
	q.AddWithOpts(priorityqueue.AddOpts{After: after}, item)
}

func (q queueWithPriority) AddRateLimited(item reconcile.Request) {
	q.AddWithOpts(priorityqueue.AddOpts{RateLimited: true}, item)
}

func (q queueWithPriority) AddWithOpts(o priorityqueue.AddOpts, items ...reconcile.Request) {
	if o.Priority == nil {
		o.Priority = &q.priority
	}
	q.PriorityQueue.AddWithOpts(o, items...)
}
