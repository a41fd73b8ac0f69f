// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package priority

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// TestProgressIsReconciledBeforeNewServers: requests enqueued through Of come out of
// controller-runtime's priority queue with the progress priority, except those the handler
// itself marks low (the initial list), which stay low.
func TestProgressIsReconciledBeforeNewServers(t *testing.T) {
	const progressPriority = 10
	q := priorityqueue.New[reconcile.Request]("test")
	defer q.ShutDown()
	byName := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: o.GetName()}}}
	})
	progress := Of(progressPriority, byName)
	deployment := func(name, resourceVersion string) *appsv1.Deployment {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, ResourceVersion: resourceVersion}}
	}

	byName.Create(context.Background(), event.CreateEvent{Object: deployment("new-server", "1")}, q)
	progress.Create(context.Background(), event.CreateEvent{Object: deployment("initial-list", "1"), IsInInitialList: true}, q)
	progress.Update(context.Background(), event.UpdateEvent{ObjectOld: deployment("rolling-out", "1"), ObjectNew: deployment("rolling-out", "2")}, q)

	want := []struct {
		name     string
		priority int
	}{{"rolling-out", progressPriority}, {"new-server", 0}, {"initial-list", handler.LowPriority}}
	for _, w := range want {
		item, priority, _ := q.GetWithPriority()
		if item.Name != w.name || priority != w.priority {
			t.Errorf("got %s with priority %d, want %s with %d", item.Name, priority, w.name, w.priority)
		}
		q.Done(item)
	}
}
