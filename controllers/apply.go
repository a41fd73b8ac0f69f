// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// applyObjects applies the rendered objects with server-side apply and deletes the managed
// objects the chart no longer renders. An object of the same name that this MCPServer does not
// own is never taken over: it is returned as a conflict for the user to resolve. An object
// already as rendered is not written at all; wrote says whether anything was.
//
// newRevision tells that the Deployment was created or its pod template changed: the cache
// still holds the one before until the watch delivers the write, so what the cache says of its
// revision is stale. A write that keeps the template (a scale, a label repaired) keeps the
// revision, and the cache's word on it stands.
func (r *MCPServerReconciler) applyObjects(ctx context.Context, server *mcpv1beta1.MCPServer, objs, managed []client.Object) (conflicts []string, wrote, newRevision bool, err error) {
	rendered := map[schema.GroupVersionKind]bool{}
	gvks := make([]schema.GroupVersionKind, len(objs))
	for i, obj := range objs {
		if gvks[i], err = apiutil.GVKForObject(obj, r.Scheme); err != nil {
			return nil, false, false, err
		}
		rendered[gvks[i]] = true
		if obj.GetName() != server.Name || obj.GetNamespace() != server.Namespace {
			return nil, false, false, fmt.Errorf("the chart rendered %s %s/%s; every object must be named after the MCPServer",
				gvks[i].Kind, obj.GetNamespace(), obj.GetName())
		}
	}
	// The objects are independent, so they are applied at once: a new server's first reconcile
	// waits for one round trip per object, not for all of them in turn.
	found := make([]string, len(objs))
	applied := make([]write, len(objs))
	var g errgroup.Group
	for i, obj := range objs {
		g.Go(func() error {
			var err error
			found[i], applied[i], err = r.applyObject(ctx, server, obj, gvks[i])
			return err
		})
	}
	err = g.Wait()
	for i, gvk := range gvks {
		wrote = wrote || applied[i] != unchanged
		newRevision = newRevision || (gvk.Kind == "Deployment" && (applied[i] == created || applied[i] == changedPods))
	}
	if err != nil {
		return nil, wrote, newRevision, err
	}
	for _, conflict := range found {
		if conflict != "" {
			conflicts = append(conflicts, conflict)
		}
	}
	if len(conflicts) > 0 {
		return conflicts, wrote, newRevision, nil
	}
	pruned, err := r.prune(ctx, server, rendered, managed)
	return nil, wrote || pruned, newRevision, err
}

// write is what applyObject did to one object.
type write int

const (
	unchanged write = iota
	created
	// changed: applied, and a Deployment's pod template is as it was (a scale, a label).
	changed
	// changedPods: applied, and the Deployment's pod template changed: a new revision.
	changedPods
)

// applyObject applies one object unless it is already as rendered, and returns a conflict
// message when an object of that name belongs to someone else, and what it wrote.
//
// An object the cache does not hold is created with one request (createOnly); only when that
// finds an object of the name does the operator read it, to tell its own (a cache running
// behind) from someone else's.
func (r *MCPServerReconciler) applyObject(ctx context.Context, server *mcpv1beta1.MCPServer, obj client.Object, gvk schema.GroupVersionKind) (string, write, error) {
	if err := controllerutil.SetControllerReference(server, obj, r.Scheme); err != nil {
		return "", unchanged, err
	}
	desired, err := render.ApplyConfiguration(obj, gvk)
	if err != nil {
		return "", unchanged, err
	}
	existing, err := r.cached(ctx, obj, gvk)
	if err != nil {
		return "", unchanged, err
	}
	key, hash, now := client.ObjectKeyFromObject(obj), desired.GetAnnotations()[render.AppliedHashAnnotation], time.Now()
	if existing != nil {
		r.created.seen(gvk, key)
	}
	if existing == nil && r.created.pending(gvk, key, hash, now) {
		return "", unchanged, nil // created as rendered moments ago; the watch has not delivered it yet
	}
	if existing == nil {
		isNew, err := r.createOnly(ctx, desired)
		if err != nil {
			return "", unchanged, fmt.Errorf("creating %s %s/%s: %w", gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
		}
		if isNew {
			r.created.add(gvk, key, hash, now)
			objectWrites.WithLabelValues(gvk.Kind, "create").Inc()
			return "", created, nil
		}
		if existing, err = r.live(ctx, obj, gvk); err != nil || existing == nil {
			return "", unchanged, err // deleted since: the next reconcile creates it
		}
	}
	if !render.ControlledBy(existing, server) && !adoptable(existing, server) {
		return fmt.Sprintf("%s %s/%s already exists and is not managed by this MCPServer; the operator does not take over "+
			"objects it does not own: delete or rename that %s, or rename the MCPServer",
			gvk.Kind, obj.GetNamespace(), obj.GetName(), gvk.Kind), unchanged, nil
	}
	if render.ControlledBy(existing, server) && render.UpToDate(desired, existing) {
		return "", unchanged, nil
	}
	// The apply answers with the object as it now is, into desired.
	if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(desired), client.FieldOwner(fieldManager), client.ForceOwnership); err != nil {
		return "", unchanged, fmt.Errorf("applying %s %s/%s: %w", gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
	}
	objectWrites.WithLabelValues(gvk.Kind, "apply").Inc()
	if podTemplateChanged(existing, desired) {
		return "", changedPods, nil
	}
	return "", changed, nil
}

// podTemplateChanged reports whether a Deployment's pod template differs between before and
// the apply's answer after: only then is there a revision that the cache does not show yet.
// An answer it cannot read counts as a change, which only makes the rollout wait for the
// Deployment controller.
func podTemplateChanged(before client.Object, after *unstructured.Unstructured) bool {
	old, ok := before.(*appsv1.Deployment)
	if !ok {
		return false
	}
	applied := &appsv1.Deployment{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(after.Object, applied); err != nil {
		return true
	}
	return !equality.Semantic.DeepEqual(old.Spec.Template, applied.Spec.Template)
}

// noObjectsVersion is a resourceVersion no object has: the largest one an etcd revision can be.
const noObjectsVersion = "9223372036854775807"

// createOnly creates the object with server-side apply, and does nothing when an object of
// that name exists, whoever it belongs to; created says which. The apply carries a
// resourceVersion precondition no object meets: the API server creates an object that does not
// exist whatever the precondition, and refuses to touch one that does (409 Conflict). So a new
// object costs one request, where a read before the apply would cost two, and the fields it
// has are owned by the operator's Apply manager, as a plain create would not have them: a
// field the chart drops later is removed by the next apply.
func (r *MCPServerReconciler) createOnly(ctx context.Context, desired *unstructured.Unstructured) (created bool, err error) {
	obj := desired.DeepCopy()
	obj.SetResourceVersion(noObjectsVersion)
	err = r.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner(fieldManager), client.ForceOwnership)
	if apierrors.IsConflict(err) {
		return false, nil
	}
	return err == nil, err
}

// cached returns the object of the same kind and name from the cache, or nil. The cache holds
// only objects labelled as MCP servers'; one missing from it may still exist (createOnly finds
// out without a read).
func (r *MCPServerReconciler) cached(ctx context.Context, obj client.Object, gvk schema.GroupVersionKind) (client.Object, error) {
	return r.read(ctx, r.Client, obj, gvk)
}

// live returns the object of the same kind and name from the API server, or nil.
func (r *MCPServerReconciler) live(ctx context.Context, obj client.Object, gvk schema.GroupVersionKind) (client.Object, error) {
	return r.read(ctx, r.APIReader, obj, gvk)
}

func (r *MCPServerReconciler) read(ctx context.Context, reader client.Reader, obj client.Object, gvk schema.GroupVersionKind) (client.Object, error) {
	existing, err := r.Scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	eobj := existing.(client.Object)
	key := client.ObjectKeyFromObject(obj)
	err = reader.Get(ctx, key, eobj)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", gvk.Kind, key, err)
	}
	return eobj, nil
}

// prune deletes the managed objects of kinds the chart did not render this time (for example a
// NetworkPolicy an admin turned off), if this MCPServer owns them.
func (r *MCPServerReconciler) prune(ctx context.Context, server *mcpv1beta1.MCPServer, rendered map[schema.GroupVersionKind]bool, managed []client.Object) (bool, error) {
	pruned := false
	for _, typ := range managed {
		gvk, err := apiutil.GVKForObject(typ, r.Scheme)
		if err != nil {
			return pruned, err
		}
		if rendered[gvk] {
			continue
		}
		obj := typ.DeepCopyObject().(client.Object)
		err = r.Get(ctx, client.ObjectKeyFromObject(server), obj)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return pruned, err
		}
		if !render.ControlledBy(obj, server) {
			continue
		}
		uid := obj.GetUID()
		if err := r.Delete(ctx, obj, client.Preconditions{UID: &uid}); client.IgnoreNotFound(err) != nil {
			return pruned, fmt.Errorf("pruning %s %s: %w", gvk.Kind, client.ObjectKeyFromObject(obj), err)
		}
		pruned = true
		objectWrites.WithLabelValues(gvk.Kind, "delete").Inc()
	}
	return pruned, nil
}

// adoptable reports whether obj was made for an earlier MCPServer of the same name (deleted
// with orphaning, then recreated): that is the same server, so the operator takes it back.
func adoptable(obj client.Object, server *mcpv1beta1.MCPServer) bool {
	ref := metav1.GetControllerOf(obj)
	if ref == nil || ref.Kind != "MCPServer" || ref.Name != server.Name {
		return false
	}
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	return err == nil && gv.Group == mcpv1beta1.GroupVersion.Group
}
