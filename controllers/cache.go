// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// CacheOptions restricts the manager's cache to what the operator manages: the chart's kinds
// and pods labelled as an MCP server's (caching every pod or Deployment of a large cluster would
// cost memory for nothing), in the watched namespaces (all when watchNamespaces is empty).
// ConfigMaps are also watched in the operator's own namespace, where the admin values live.
// apis says which optional APIs the cluster serves now: the cache can only filter kinds the
// API server serves when it starts, so Routes and HTTPRoutes that appear later are cached
// unfiltered until the operator restarts.
func CacheOptions(watchNamespaces []string, operatorNamespace string, apis platform.APIs) cache.Options {
	managed, err := labels.NewRequirement(render.SelectorLabel, selection.Exists, nil)
	if err != nil {
		panic(err) // a constant, valid requirement
	}
	byLabel := cache.ByObject{Label: labels.NewSelector().Add(*managed)}
	opts := cache.Options{
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Pod{}: {Label: byLabel.Label, Transform: trimPod},
		},
		// Nothing the operator does reads managedFields, and they are often half an object.
		DefaultTransform: cache.TransformStripManagedFields(),
	}
	for _, obj := range render.ManagedObjects(apis) {
		opts.ByObject[obj] = byLabel
	}
	if len(watchNamespaces) == 0 {
		return opts
	}
	opts.DefaultNamespaces = map[string]cache.Config{}
	configMaps := map[string]cache.Config{operatorNamespace: {}}
	for _, ns := range watchNamespaces {
		opts.DefaultNamespaces[ns] = cache.Config{}
		configMaps[ns] = cache.Config{}
	}
	opts.ByObject[&corev1.ConfigMap{}] = cache.ByObject{Namespaces: configMaps}
	return opts
}

// trimPod keeps what the operator reads of a pod (its identity, labels and status, to explain
// why it is not available, and its IP and MCP port, to verify it) and drops the rest before it
// is cached: the spec is most of a pod, and one pod per MCPServer adds up.
func trimPod(obj any) (any, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	return &corev1.Pod{
		TypeMeta: pod.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{
			Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID, ResourceVersion: pod.ResourceVersion,
			Labels: pod.Labels, OwnerReferences: pod.OwnerReferences, DeletionTimestamp: pod.DeletionTimestamp,
		},
		Spec: corev1.PodSpec{Containers: mcpPortOnly(pod.Spec.Containers)},
		Status: corev1.PodStatus{
			Phase: pod.Status.Phase, Conditions: pod.Status.Conditions, PodIP: pod.Status.PodIP,
			InitContainerStatuses: pod.Status.InitContainerStatuses, ContainerStatuses: pod.Status.ContainerStatuses,
		},
	}, nil
}

// mcpPortOnly keeps, of the containers, the one with the port named render.MCPPortName, with
// that port alone.
func mcpPortOnly(containers []corev1.Container) []corev1.Container {
	if name, port, ok := findMCPPort(containers); ok {
		return []corev1.Container{{Name: name, Ports: []corev1.ContainerPort{port}}}
	}
	return nil
}

// findMCPPort finds the container port named render.MCPPortName and its container's name.
func findMCPPort(containers []corev1.Container) (container string, port corev1.ContainerPort, ok bool) {
	for _, c := range containers {
		for _, p := range c.Ports {
			if p.Name == render.MCPPortName {
				return c.Name, p, true
			}
		}
	}
	return "", corev1.ContainerPort{}, false
}

// ParseWatchNamespaces reads OLM's WATCH_NAMESPACE convention: a comma-separated list of
// namespaces, or empty for all of them.
func ParseWatchNamespaces(value string) []string {
	var namespaces []string
	for _, ns := range strings.Split(value, ",") {
		if ns = strings.TrimSpace(ns); ns != "" && !slices.Contains(namespaces, ns) {
			namespaces = append(namespaces, ns)
		}
	}
	return namespaces
}
