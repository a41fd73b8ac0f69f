// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"

	routev1 "github.com/openshift/api/route/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

// readWorkload reads the server's Deployment and, when no pod is available, why.
func (r *MCPServerReconciler) readWorkload(ctx context.Context, server *mcpv1beta1.MCPServer, desired int32) (status.Workload, error) {
	w := status.Workload{Desired: desired}
	dep := &appsv1.Deployment{}
	if err := r.Get(ctx, client.ObjectKeyFromObject(server), dep); apierrors.IsNotFound(err) {
		return w, nil
	} else if err != nil {
		return w, err
	}
	if !render.ControlledBy(dep, server) {
		return w, nil
	}
	w.Found = true
	w.Created = dep.CreationTimestamp.Time
	w.Current = dep.Status.ObservedGeneration >= dep.Generation
	w.Replicas, w.Ready, w.Available = dep.Status.Replicas, dep.Status.ReadyReplicas, dep.Status.AvailableReplicas
	w.RolledOut = w.Current && dep.Status.UpdatedReplicas == dep.Status.Replicas && dep.Status.AvailableReplicas == dep.Status.Replicas
	for _, c := range dep.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Status == corev1.ConditionFalse && c.Reason == "ProgressDeadlineExceeded" {
			w.ProgressDeadlineExceeded = true
		}
	}
	if w.Available > 0 || desired == 0 {
		return w, nil
	}
	pods := &corev1.PodList{}
	if err := r.List(ctx, pods, client.InNamespace(server.Namespace), client.MatchingLabels{render.SelectorLabel: server.Name}); err != nil {
		return w, err
	}
	w.PodProblems = status.PodProblems(pods.Items)
	return w, nil
}

// renderedNetwork says what the NetworkPolicy just applied allows (the cache may not show it yet).
func renderedNetwork(objs []client.Object) status.Network {
	for _, o := range objs {
		if np, ok := o.(*networkingv1.NetworkPolicy); ok {
			return status.NetworkOf(np)
		}
	}
	return status.NetworkOf(nil)
}

// readNetworkPolicy reads the server's NetworkPolicy from the cache, to say in status what it
// allows, when the render memo skipped rendering (the objects were found as rendered).
func (r *MCPServerReconciler) readNetworkPolicy(ctx context.Context, server *mcpv1beta1.MCPServer) (status.Network, error) {
	np := &networkingv1.NetworkPolicy{}
	if err := r.Get(ctx, client.ObjectKeyFromObject(server), np); apierrors.IsNotFound(err) {
		return status.NetworkOf(nil), nil
	} else if err != nil {
		return status.Network{}, err
	}
	if !render.ControlledBy(np, server) {
		return status.NetworkOf(nil), nil
	}
	return status.NetworkOf(np), nil
}

// readExposure reads the server's Route, when one is wanted and the cluster serves Routes.
func (r *MCPServerReconciler) readExposure(ctx context.Context, server *mcpv1beta1.MCPServer, routes bool) (status.Exposure, error) {
	e := status.Exposure{Wanted: wantsRoute(server), APIAvailable: routes, Path: endpointPath(server)}
	if !e.Wanted || !routes {
		return e, nil
	}
	route := &routev1.Route{}
	if owned, err := r.ownedObject(ctx, server, route); err != nil || !owned {
		return e, err
	}
	e.Route = route
	return e, nil
}

// ownedObject reads into obj the server's object of obj's kind (named after the server) from
// the cache; false when there is none, or it is not the server's.
func (r *MCPServerReconciler) ownedObject(ctx context.Context, server *mcpv1beta1.MCPServer, obj client.Object) (bool, error) {
	if err := r.Get(ctx, client.ObjectKeyFromObject(server), obj); apierrors.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return render.ControlledBy(obj, server), nil
}
