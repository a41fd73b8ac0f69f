// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package controllers holds the MCPServer reconciler: one file per reconcile step, in the order
// Reconcile runs them, and the admin values and handshake machinery they use.
package controllers

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/adminvalues"
	"github.com/mcp-operator/mcp-operator/internal/handshake"
	"github.com/mcp-operator/mcp-operator/internal/imageconfig"
	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/rendermemo"
	"github.com/mcp-operator/mcp-operator/internal/rollout"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

// fieldManager names the operator in managedFields: every object it applies, one manager.
const fieldManager = "mcp-operator"

// adminValuesRetry is how soon a reconcile waiting for admin values tries again.
const adminValuesRetry = 30 * time.Second

// MCPServerReconciler turns each MCPServer into a hardened Deployment, Service and
// NetworkPolicy, verifies that the server speaks MCP, and reports what it found in status.
type MCPServerReconciler struct {
	// Client reads from the manager's cache and writes to the API server.
	client.Client
	// APIReader reads from the API server directly: an object a create found though the
	// label-filtered cache does not hold it (someone else's, or one that lost its label), and
	// the data of referenced ConfigMaps and Secrets.
	APIReader client.Reader
	Scheme    *runtime.Scheme
	Events    events.EventRecorder
	Renderer  *render.Renderer
	// OperatorValues is the operator's own value layer (render.OperatorValues).
	OperatorValues map[string]any
	// StdioBridge says the operator has a stdio bridge image to inject into stdio servers.
	StdioBridge bool
	// Images reads what an image runs, for stdio servers that give no command.
	Images *imageconfig.Resolver
	Admin  *adminvalues.Store
	// Handshakes runs the MCP handshakes (step 6) off the reconcile path.
	Handshakes *handshake.Scheduler
	// ClusterDomain is the DNS suffix of Services, for status.address.url.
	ClusterDomain string
	// Platform tells whether the cluster serves OpenShift Routes.
	Platform *platform.Detector

	refs *referenceReader
	// memo remembers which servers' objects are known to be as rendered.
	memo *rendermemo.Memo
	// statuses remembers status writes the cache does not show yet.
	statuses *statusWrites
	// created remembers objects created that the cache does not show yet.
	created *createdObjects
	// watched are the namespaces the operator serves; empty means all.
	watched []string
	// maxConcurrent bounds parallel reconciles.
	maxConcurrent int
}

// The operator writes with server-side apply (patch; create for objects that do not exist yet)
// and merge patches of status; it never updates whole objects.
// +kubebuilder:rbac:groups=mcp.x-k8s.io,resources=mcpservers,verbs=get;list;watch
// +kubebuilder:rbac:groups=mcp.x-k8s.io,resources=mcpservers/status,verbs=get;patch
// Owner references that block owner deletion need this where OwnerReferencesPermissionEnforcement is on (OpenShift).
// +kubebuilder:rbac:groups=mcp.x-k8s.io,resources=mcpservers/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups="",resources=services,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=route.openshift.io,resources=routes,verbs=get;list;watch;create;patch;delete
// Setting spec.host on a Route needs this on OpenShift.
// +kubebuilder:rbac:groups=route.openshift.io,resources=routes/custom-host,verbs=create
// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=configmaps;secrets;serviceaccounts,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings one MCPServer's objects and status in line with its spec.
func (r *MCPServerReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	// 1. Load the MCPServer. When it is gone, its objects go with it (owner references), and
	//    only the handshake memory is left to drop.
	server := &mcpv1beta1.MCPServer{}
	if err := r.Get(ctx, req.NamespacedName, server); err != nil {
		if apierrors.IsNotFound(err) {
			r.Handshakes.Forget(req.NamespacedName)
			r.Handshakes.ForgetPods(req.NamespacedName, nil)
			r.memo.Forget(req.NamespacedName)
			r.statuses.forget(req.NamespacedName)
			r.created.forget(req.NamespacedName)
			serverReady.DeleteLabelValues(req.Namespace, req.Name)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, err
	}
	if !server.DeletionTimestamp.IsZero() {
		r.memo.Forget(req.NamespacedName)
		return ctrl.Result{}, nil
	}
	admin, adminVersion, known := r.Admin.Snapshot()
	if !known {
		log.FromContext(ctx).Info("waiting for valid admin values before rendering", "configmap", r.Admin.Key())
		return ctrl.Result{RequeueAfter: adminValuesRetry}, nil
	}
	obs := status.Observation{Generation: server.Generation, Address: r.address(server),
		Exposure: status.Exposure{Wanted: wantsRoute(server), Path: endpointPath(server)},
		Gateway:  gatewayObservation(server)}

	// 2. Validate what the spec references. Nothing is rolled out for a spec that cannot work.
	check, err := r.validate(ctx, server)
	if err != nil {
		return r.failed("error", err)
	}
	if len(check.problems) > 0 {
		obs.Problems = check.problems
		return r.finish(ctx, server, obs, "invalid")
	}

	// 3. Render the chart: spec + admin values -> objects (a Route or HTTPRoute only where the cluster serves it),
	//    unless nothing the render depends on, and none of the objects, changed since a
	//    reconcile found them all as rendered.
	apis := r.Platform.Served(platform.APIs{Routes: wantsRoute(server), HTTPRoutes: wantsGateway(server)})
	managed := render.ManagedObjects(apis)
	inputs := rendermemo.Inputs{UID: server.UID, Generation: server.Generation, ConfigHash: check.configHash, Admin: adminVersion, APIs: apis}
	if check.gateway != nil {
		inputs.Gateway = check.gateway.digest
	}
	replicas, current := r.memo.Current(ctx, r.Client, server, inputs, managed)
	stored := r.statuses.stored(req.NamespacedName, server)
	var objs []client.Object
	// newRevision: this reconcile created the Deployment or changed its pod template, which the
	// cache does not show yet.
	newRevision := false
	if !current {
		objs, err = r.render(withStdioCommand(server, check.stdioCommand), check.configHash, admin, apis, gatewayTarget(server, check.gateway))
		if err != nil {
			r.Events.Eventf(server, nil, corev1.EventTypeWarning, "RenderFailed", "Render",
				"the operator could not render this server's objects; running objects are left as they are: %v", err)
			return r.failed("render_error", err)
		}
		// A revision rolled back stays rolled back until the spec or its configuration changes.
		if rollout.RolledBackCurrent(stored.Rollout, server.Generation, check.configHash) {
			if err := r.holdVerifiedRevision(ctx, server, objs, stored.Rollout.VerifiedRevision); err != nil {
				return r.failed("error", err)
			}
		}

		// 4. Apply the objects (server-side apply), and prune what the chart no longer renders.
		var conflicts []string
		var wrote bool
		conflicts, wrote, newRevision, err = r.applyObjects(ctx, server, objs, managed)
		if apierrors.IsInvalid(err) {
			// The spec passed the MCPServer schema, but what it renders does not pass the
			// API server's validation of those objects (a label value too long, say): that
			// is the user's to fix, not a reason to retry.
			r.memo.Forget(req.NamespacedName)
			obs.Problems = []string{"the cluster rejected an object this spec renders: " + err.Error()}
			return r.finish(ctx, server, obs, "invalid")
		}
		if err != nil {
			return r.failed("apply_error", err)
		}
		if len(conflicts) > 0 {
			r.memo.Forget(req.NamespacedName)
			obs.Problems = conflicts
			return r.finish(ctx, server, obs, "conflict")
		}
		replicas = desiredReplicas(objs)
		if !wrote {
			r.memo.Remember(ctx, r.Client, server, inputs, managed, replicas)
		}
	}
	obs.DeploymentName, obs.ServiceName = server.Name, server.Name
	obs.Exposure, err = r.readExposure(ctx, server, apis.Routes)
	if err != nil {
		return r.failed("error", err)
	}
	obs.Gateway, err = r.readGateway(ctx, server, apis.HTTPRoutes, gatewayTarget(server, check.gateway))
	if err != nil {
		return r.failed("error", err)
	}
	if !current {
		obs.Network = renderedNetwork(objs)
	} else if obs.Network, err = r.readNetworkPolicy(ctx, server); err != nil {
		return r.failed("error", err)
	}

	// 5. Read the Deployment's availability and, when it has none, what its pods suffer from.
	obs.Workload, err = r.readWorkload(ctx, server, replicas)
	if err != nil {
		return r.failed("error", err)
	}
	if !obs.Workload.Found && newRevision {
		obs.Workload.Created = time.Now() // just created; the cache does not show it yet
	}

	// 6. Verify each pod before it takes traffic, where the Deployment carries the operator's
	//    readiness gate, and decide the rollout: verified, held, or due to be rolled back.
	var decision rollout.Decision
	if obs.Workload.Found {
		obs.Rollout, decision, err = r.verifyRollout(ctx, server, stored, obs.Workload, newRevision, check.configHash, check.tls, obs.Address)
		if err != nil {
			return r.failed("error", err)
		}
	}

	// 7. Verify the MCP endpoint once pods are available: the handshake scheduler runs it and
	//    enqueues this MCPServer again when the result changes.
	if obs.Workload.Found && obs.Workload.Current && obs.Workload.Available > 0 {
		var failures int32
		if status.LastVerdict(server.Status, server.Generation, obs.PublishedAddress()) != nil {
			failures = server.Status.HandshakeRetryCount
		}
		obs.Handshake = r.Handshakes.Observe(req.NamespacedName, handshake.Target{
			URL: obs.Address, Generation: server.Generation, ConfigHash: check.configHash, RolledOut: obs.Workload.RolledOut, TLS: check.tls,
		}, failures)
	} else {
		r.Handshakes.Forget(req.NamespacedName)
	}

	// 8. Write status, only if it changed; then roll back, once status remembers why.
	result, err := r.finish(ctx, server, obs, "")
	if err == nil && decision.RollBack {
		err = r.rollBack(ctx, server, check, admin, apis, gatewayTarget(server, check.gateway), managed, decision)
	}
	if (wantsRoute(server) && !apis.Routes) || (wantsGateway(server) && !apis.HTTPRoutes) {
		// Look for the API again later: it may yet appear (an upgrade, a CRD installed).
		result.RequeueAfter = sooner(result.RequeueAfter, r.Platform.Recheck())
	}
	result.RequeueAfter = sooner(result.RequeueAfter, decision.RecheckAfter) // the rollout's deadline
	return result, err
}

// sooner returns the shorter of two requeue delays, where zero means none.
func sooner(a, b time.Duration) time.Duration {
	if a == 0 || (b > 0 && b < a) {
		return b
	}
	return a
}

// rollBack returns the server's Deployment to the last verified revision: it renders the
// objects again with that revision's pod template and applies them.
func (r *MCPServerReconciler) rollBack(ctx context.Context, server *mcpv1beta1.MCPServer, check referenceCheck, admin render.AdminValues,
	apis platform.APIs, gateway *render.Gateway, managed []client.Object, d rollout.Decision) error {
	r.memo.Forget(client.ObjectKeyFromObject(server))
	objs, err := r.render(withStdioCommand(server, check.stdioCommand), check.configHash, admin, apis, gateway)
	if err != nil {
		return err
	}
	if err := r.holdVerifiedRevision(ctx, server, objs, d.Status.VerifiedRevision); err != nil {
		return err
	}
	if _, _, _, err := r.applyObjects(ctx, server, objs, managed); err != nil {
		return fmt.Errorf("rolling back to revision %s: %w", d.Status.VerifiedRevision, err)
	}
	rollbacks.Inc()
	rb := d.Status.RolledBack
	r.Events.Eventf(server, nil, corev1.EventTypeWarning, mcpv1beta1.ReasonRolledBack, "RollBack",
		"revision %s was not verified within its deadline (%s: %s); the Deployment runs the verified revision %s again",
		rb.Revision, rb.Reason, rb.Message, d.Status.VerifiedRevision)
	return nil
}

// validate checks the MCPServer's name, its network spec and the ConfigMaps and Secrets it
// references.
func (r *MCPServerReconciler) validate(ctx context.Context, server *mcpv1beta1.MCPServer) (referenceCheck, error) {
	check, err := r.refs.checkReferences(ctx, server)
	if err != nil {
		return check, err
	}
	problems := append(nameProblems(server.Name), server.Spec.Network.Problems()...)
	problems = append(problems, gatewayProblems(server)...)
	problems = append(problems, stdioProblems(server, r.StdioBridge)...)
	command, problem, err := r.imageCommand(ctx, server)
	if err != nil {
		return check, err
	}
	if problem != "" {
		problems = append(problems, problem)
	}
	check.stdioCommand = command
	check.problems = append(problems, check.problems...)
	return check, nil
}

// nameProblems: every object is named after the MCPServer, and a Service name must be a
// DNS-1035 label, stricter than what the API server accepts for an MCPServer.
func nameProblems(name string) []string {
	if problem := mcpv1beta1.NameProblem(name); problem != "" {
		return []string{fmt.Sprintf("the name %q cannot name the server's Service (%s): rename the MCPServer", name, problem)}
	}
	return nil
}

// render renders the chart for the server and times it.
func (r *MCPServerReconciler) render(server *mcpv1beta1.MCPServer, configHash string, admin render.AdminValues, apis platform.APIs, gateway *render.Gateway) ([]client.Object, error) {
	start := time.Now()
	defer func() { renderDuration.Observe(time.Since(start).Seconds()) }()
	return r.Renderer.Render(render.Request{Server: server, ConfigHash: configHash, Admin: admin, Operator: r.OperatorValues,
		Gateway: gateway, Capabilities: render.Capabilities(apis)})
}

// address is the cluster-internal MCP endpoint of the server's Service.
func (r *MCPServerReconciler) address(server *mcpv1beta1.MCPServer) string {
	scheme := "http"
	if t := server.Spec.Transport; t != nil && t.TLS != nil && t.TLS.Enabled {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s.%s.svc.%s:%d%s", scheme, server.Name, server.Namespace, r.ClusterDomain, server.Spec.Config.Port, endpointPath(server))
}

// endpointPath is the HTTP path of the MCP endpoint (the API defaults it to /mcp).
func endpointPath(server *mcpv1beta1.MCPServer) string {
	if server.Spec.Config.Path == "" {
		return "/mcp"
	}
	return server.Spec.Config.Path
}

func wantsRoute(server *mcpv1beta1.MCPServer) bool {
	return server.Spec.Expose != nil && server.Spec.Expose.Route != nil
}

// finish writes the status the observation implies and counts the outcome.
func (r *MCPServerReconciler) finish(ctx context.Context, server *mcpv1beta1.MCPServer, obs status.Observation, outcome string) (ctrl.Result, error) {
	next, wait, err := r.writeStatus(ctx, server, obs)
	if err != nil {
		return r.failed("error", err)
	}
	ready := mcpv1alpha1.IsReady(next.Conditions)
	if outcome == "" {
		outcome = "pending"
		if ready {
			outcome = "ready"
		}
	}
	serverReady.WithLabelValues(server.Namespace, server.Name).Set(boolGauge(ready))
	reconcileOutcomes.WithLabelValues(outcome).Inc()
	return ctrl.Result{RequeueAfter: wait}, nil
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// failed counts a failed reconcile; returning the error requeues it with backoff.
func (r *MCPServerReconciler) failed(outcome string, err error) (ctrl.Result, error) {
	reconcileOutcomes.WithLabelValues(outcome).Inc()
	return ctrl.Result{}, err
}

// desiredReplicas reads the replica count from the rendered Deployment, where every value layer
// has had its say.
func desiredReplicas(objs []client.Object) int32 {
	for _, o := range objs {
		if d, ok := o.(*appsv1.Deployment); ok && d.Spec.Replicas != nil {
			return *d.Spec.Replicas
		}
	}
	return 1
}
