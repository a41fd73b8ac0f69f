// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/adminvalues"
	"github.com/mcp-operator/mcp-operator/internal/handshake"
	"github.com/mcp-operator/mcp-operator/internal/imageconfig"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/priority"
	"github.com/mcp-operator/mcp-operator/internal/references"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/rendermemo"
)

// Setup builds the MCPServer reconciler and registers it, its admin values controller and its
// handshake scheduler with the manager.
func Setup(ctx context.Context, mgr ctrl.Manager, o Options) error {
	r, err := NewMCPServerReconciler(ctx, mgr, o)
	if err != nil {
		return err
	}
	return r.SetupWithManager(ctx, mgr)
}

// NewMCPServerReconciler builds the reconciler whole, with every part it uses: the renderer of
// the embedded chart, the admin values (loaded once before it returns, so that the first
// renders use them), Route API discovery and the handshake scheduler.
func NewMCPServerReconciler(ctx context.Context, mgr ctrl.Manager, o Options) (*MCPServerReconciler, error) {
	renderer, err := render.NewChartRenderer()
	if err != nil {
		return nil, err
	}
	posture := o.NetworkPolicyDefaultPosture
	if posture == "" {
		posture = render.PostureOpen
	}
	operatorValues, err := render.OperatorValues(o.AdminValues.Namespace, posture, o.StdioBridgeImage)
	if err != nil {
		return nil, err
	}
	admin := adminvalues.New(o.AdminValues, mgr.GetAPIReader(), renderer.CheckAdminValues)
	if o.Platform == nil {
		discoveryClient, err := discovery.NewDiscoveryClientForConfig(mgr.GetConfig())
		if err != nil {
			return nil, err
		}
		if o.RouteAPIRecheck <= 0 {
			o.RouteAPIRecheck = time.Minute
		}
		o.Platform = platform.New(discoveryClient, o.RouteAPIRecheck)
	}
	loadAdminValuesAtStart(ctx, admin)
	source := o.EventSource
	if source == "" {
		source = "mcp-operator"
	}
	r := &MCPServerReconciler{
		Client:         mgr.GetClient(),
		APIReader:      mgr.GetAPIReader(),
		Scheme:         mgr.GetScheme(),
		Events:         mgr.GetEventRecorder(source),
		Renderer:       renderer,
		OperatorValues: operatorValues,
		StdioBridge:    o.StdioBridgeImage != "",
		Images:         &imageconfig.Resolver{},
		Admin:          admin,
		Handshakes:     handshake.New(mcpprobe.New(o.Probe), o.Handshakes),
		ClusterDomain:  o.ClusterDomain,
		Platform:       o.Platform,
		refs:           newReferenceReader(mgr.GetClient(), mgr.GetAPIReader()),
		memo:           rendermemo.New(),
		statuses:       newStatusWrites(),
		created:        newCreatedObjects(),
		watched:        o.WatchNamespaces,
		maxConcurrent:  o.MaxConcurrentReconciles,
	}
	if r.ClusterDomain == "" {
		r.ClusterDomain = "cluster.local"
	}
	if r.maxConcurrent <= 0 {
		r.maxConcurrent = 16
	}
	return r, nil
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

// progressPriority ranks the reconciles that carry a server's rollout forward (its Deployment
// or pods changed, a handshake finished) before the first reconciles of servers created since.
// When thousands of MCPServers arrive at once, the servers already rolling out then become
// Ready as soon as their pods and handshakes allow, instead of after every newer server's first
// pass: the first ones are Ready within seconds, and the work in flight stays small.
const progressPriority = 10

// referencesIndex indexes MCPServers by the ConfigMaps and Secrets they reference
// ("ConfigMap/<name>", "Secret/<name>"), so that a change to one finds its users.
const referencesIndex = "mcp.x-k8s.io/references"

// SetupWithManager registers the MCPServer controller, the admin values controller and the
// handshake scheduler with the manager.
func (r *MCPServerReconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, &mcpv1beta1.MCPServer{}, referencesIndex, func(obj client.Object) []string {
		return references.IndexKeys(obj.(*mcpv1beta1.MCPServer))
	}); err != nil {
		return err
	}
	if err := mgr.Add(r.Handshakes); err != nil {
		return err
	}
	adminChanged := make(chan event.GenericEvent, 1)
	if err := ctrl.NewControllerManagedBy(mgr).
		Named("adminvalues").
		For(&corev1.ConfigMap{}, builder.OnlyMetadata, builder.WithPredicates(isObject(r.Admin.Key()))).
		Complete(&adminValuesReconciler{admin: r.Admin, events: r.Events, changed: adminChanged}); err != nil {
		return err
	}

	b := ctrl.NewControllerManagedBy(mgr).
		Named("mcpserver").
		// Status writes do not change the generation; only spec changes need a reconcile.
		For(&mcpv1beta1.MCPServer{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.maxConcurrent})
	for _, kind := range render.Managed {
		if !kind.NeedsAPI(platform.APIs{}) {
			b = b.Watches(kind.New(), r.ownerOf(mgr, kind.GVK))
		}
	}
	c, err := b.
		Watches(&corev1.Pod{}, priority.Of(progressPriority, handler.EnqueueRequestsFromMapFunc(serverOfPod))).
		WatchesMetadata(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(r.usersOf(references.ConfigMap))).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.usersOf(references.Secret))).
		WatchesMetadata(&corev1.ServiceAccount{}, handler.EnqueueRequestsFromMapFunc(r.usersOf(references.ServiceAccount))).
		WatchesRawSource(source.Channel(r.Handshakes.Results(),
			priority.Of[*mcpv1beta1.MCPServer](progressPriority, &handler.TypedEnqueueRequestForObject[*mcpv1beta1.MCPServer]{}))).
		WatchesRawSource(source.Channel(adminChanged, handler.EnqueueRequestsFromMapFunc(r.allServers))).
		Build(r)
	if err != nil {
		return err
	}
	// The kinds of an optional API are watched once the cluster is seen to serve it, at
	// start-up or later.
	for _, api := range []platform.API{platform.RouteAPI, platform.HTTPRouteAPI} {
		r.Platform.OnServed(api, func() {
			for _, kind := range render.Managed {
				if kind.Needs == nil || *kind.Needs != api {
					continue
				}
				src := source.Kind(mgr.GetCache(), kind.New(), r.ownerOf(mgr, kind.GVK))
				if err := c.Watch(src); err != nil {
					ctrl.Log.WithName("platform").Error(err, "watching "+kind.GVK.Kind+"s")
				}
			}
		})
	}
	return nil
}

// ownerOf enqueues the MCPServer that controls an object of a managed kind, ahead of first
// passes, and forgets the object's create when the object leaves the cache.
func (r *MCPServerReconciler) ownerOf(mgr ctrl.Manager, gvk schema.GroupVersionKind) handler.EventHandler {
	return r.created.seenOnDelete(gvk, priority.Of(progressPriority,
		handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), &mcpv1beta1.MCPServer{}, handler.OnlyControllerOwner())))
}

// serverOfPod maps a pod to the MCPServer it runs for, by the chart's selector label.
func serverOfPod(_ context.Context, pod client.Object) []reconcile.Request {
	name := pod.GetLabels()[render.SelectorLabel]
	if name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: pod.GetNamespace(), Name: name}}}
}

// usersOf maps a ConfigMap or Secret to the MCPServers in its namespace that reference it.
func (r *MCPServerReconciler) usersOf(kind references.Kind) handler.MapFunc {
	return func(ctx context.Context, obj client.Object) []reconcile.Request {
		if len(r.watched) > 0 && !slices.Contains(r.watched, obj.GetNamespace()) {
			return nil // the operator's own namespace, watched only for the admin values
		}
		servers := &mcpv1beta1.MCPServerList{}
		if err := r.List(ctx, servers, client.InNamespace(obj.GetNamespace()),
			client.MatchingFields{referencesIndex: references.IndexKey(kind, obj.GetName())}); err != nil {
			log.FromContext(ctx).Error(err, "listing the MCPServers that reference an object", "kind", kind, "object", client.ObjectKeyFromObject(obj))
			return nil
		}
		return requestsFor(servers)
	}
}

// allServers maps an admin values change to every MCPServer.
func (r *MCPServerReconciler) allServers(ctx context.Context, _ client.Object) []reconcile.Request {
	servers := &mcpv1beta1.MCPServerList{}
	if err := r.List(ctx, servers); err != nil {
		log.FromContext(ctx).Error(err, "listing MCPServers after an admin values change")
		return nil
	}
	return requestsFor(servers)
}

func requestsFor(servers *mcpv1beta1.MCPServerList) []reconcile.Request {
	reqs := make([]reconcile.Request, len(servers.Items))
	for i := range servers.Items {
		reqs[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&servers.Items[i])}
	}
	return reqs
}

// isObject selects events of one object.
func isObject(key types.NamespacedName) predicate.Predicate {
	return predicate.NewPredicateFuncs(func(obj client.Object) bool {
		return obj.GetNamespace() == key.Namespace && obj.GetName() == key.Name
	})
}
