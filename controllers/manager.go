// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/adminvalues"
	"github.com/mcp-operator/mcp-operator/internal/handshake"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// Options configure the operator's controllers.
type Options struct {
	// ClusterDomain is the DNS suffix of Services (cluster.local).
	ClusterDomain string
	// AdminValues is the ConfigMap holding admin defaults and overrides.
	AdminValues types.NamespacedName
	// MaxConcurrentReconciles bounds parallel reconciles of MCPServers.
	MaxConcurrentReconciles int
	// Handshakes configures the MCP handshake scheduler.
	Handshakes handshake.Options
	// Probe configures each handshake (timeout, limits, --resolve overrides).
	Probe mcpprobe.Config
	// EventSource names the operator as the reporter of its events.
	EventSource string
	// WatchNamespaces limits the operator to these namespaces; empty means all.
	WatchNamespaces []string
	// RouteAPIRecheck is how often, at most, discovery is asked again for the Route API while an
	// MCPServer wants a Route that the cluster did not serve (default 1m).
	RouteAPIRecheck time.Duration
}

// CacheOptions restricts the manager's cache to what the operator manages: Deployments,
// Services, NetworkPolicies and pods labelled as an MCP server's (caching every pod or Deployment
// of a large cluster would cost memory for nothing), in the watched namespaces (all when
// watchNamespaces is empty). ConfigMaps are also watched in the operator's own namespace, where
// the admin values live.
func CacheOptions(watchNamespaces []string, operatorNamespace string) cache.Options {
	managed, err := labels.NewRequirement(selectorLabel, selection.Exists, nil)
	if err != nil {
		panic(err) // a constant, valid requirement
	}
	byLabel := cache.ByObject{Label: labels.NewSelector().Add(*managed)}
	opts := cache.Options{
		ByObject: map[client.Object]cache.ByObject{
			&appsv1.Deployment{}:          byLabel,
			&corev1.Service{}:             byLabel,
			&networkingv1.NetworkPolicy{}: byLabel,
			&corev1.Pod{}:                 {Label: byLabel.Label, Transform: trimPod},
		},
		// Nothing the operator does reads managedFields, and they are often half an object.
		DefaultTransform: cache.TransformStripManagedFields(),
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
// why it is not available) and drops the rest before it is cached: the spec is most of a pod,
// and one pod per MCPServer adds up.
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
		Status: corev1.PodStatus{
			Phase: pod.Status.Phase, Conditions: pod.Status.Conditions,
			InitContainerStatuses: pod.Status.InitContainerStatuses, ContainerStatuses: pod.Status.ContainerStatuses,
		},
	}, nil
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

// Setup builds the operator's parts and registers them with the manager. It loads the admin
// values once before returning, so that the first renders use them.
func Setup(ctx context.Context, mgr ctrl.Manager, o Options) error {
	renderer, err := render.NewRenderer(helmcharts.MCPServer, helmcharts.MCPServerDir)
	if err != nil {
		return err
	}
	admin := adminvalues.New(o.AdminValues, mgr.GetAPIReader(), renderer.CheckAdminValues)
	discoveryClient, err := discovery.NewDiscoveryClientForConfig(mgr.GetConfig())
	if err != nil {
		return err
	}
	if o.RouteAPIRecheck <= 0 {
		o.RouteAPIRecheck = time.Minute
	}
	loadAdminValuesAtStart(ctx, admin)
	source := o.EventSource
	if source == "" {
		source = "mcp-operator"
	}
	r := &MCPServerReconciler{
		Client:        mgr.GetClient(),
		APIReader:     mgr.GetAPIReader(),
		Scheme:        mgr.GetScheme(),
		Events:        mgr.GetEventRecorder(source),
		Renderer:      renderer,
		Admin:         admin,
		Handshakes:    handshake.New(mcpprobe.New(o.Probe), o.Handshakes),
		ClusterDomain: o.ClusterDomain,
		Platform:      platform.New(discoveryClient, o.RouteAPIRecheck),
		memo:          newRenderMemo(),
		statuses:      newStatusWrites(),
		watched:       o.WatchNamespaces,
	}
	if r.ClusterDomain == "" {
		r.ClusterDomain = "cluster.local"
	}
	if o.MaxConcurrentReconciles <= 0 {
		o.MaxConcurrentReconciles = 16
	}
	return r.SetupWithManager(ctx, mgr, o.MaxConcurrentReconciles)
}

// loadAdminValuesAtStart reads the admin values before any MCPServer is rendered. An invalid
// ConfigMap is logged and left for the admin values controller, which reports it and picks up
// the fix; until then MCPServers are not re-rendered. A transient API error is retried briefly.
func loadAdminValuesAtStart(ctx context.Context, admin *adminvalues.Store) {
	log := ctrl.Log.WithName("setup")
	for attempt := 1; ; attempt++ {
		_, err := admin.Load(ctx)
		if err == nil {
			adminValuesValid.Set(1)
			return
		}
		if attempt == 3 || ctx.Err() != nil {
			adminValuesValid.Set(0)
			log.Error(err, "admin values not loaded; MCPServers wait for valid values", "configmap", admin.Key())
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * time.Second):
		}
	}
}
