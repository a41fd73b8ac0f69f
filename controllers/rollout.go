// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	neturl "net/url"
	"slices"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/handshake"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/rollout"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

// defaultProgressDeadline is the Deployment controller's default progressDeadlineSeconds.
const defaultProgressDeadline = 600 * time.Second

// revisionAnnotation is the Deployment controller's revision number, on a Deployment and on
// the ReplicaSet of each of its revisions.
const revisionAnnotation = "deployment.kubernetes.io/revision"

// +kubebuilder:rbac:groups="",resources=pods/status,verbs=patch
// +kubebuilder:rbac:groups=apps,resources=replicasets,verbs=get;list

// verifyRollout verifies the server's pods one by one when its Deployment carries the
// operator's readiness gate: it asks the handshake scheduler for each running pod's verdict,
// decides the rollout (internal/rollout), and writes the gates that change. It returns what
// status shows; the caller writes it, and rolls back when the decision says so. When this
// reconcile created the Deployment or changed its pod template (newRevision), the cached one
// is the one before it, so the newest revision is not known yet (the next reconcile, which the
// write's watch event brings, knows it).
func (r *MCPServerReconciler) verifyRollout(ctx context.Context, server *mcpv1beta1.MCPServer, stored mcpv1beta1.MCPServerStatus,
	w status.Workload, newRevision bool, configHash string, tls mcpprobe.TLS, url string) (*status.Rollout, rollout.Decision, error) {
	name := client.ObjectKeyFromObject(server)
	dep := &appsv1.Deployment{}
	if owned, err := r.ownedObject(ctx, server, dep); err != nil || !owned {
		r.Handshakes.ForgetPods(name, nil)
		return nil, rollout.Decision{}, err
	}
	if !gated(dep) {
		r.Handshakes.ForgetPods(name, nil)
		return &status.Rollout{Off: true}, rollout.Decision{}, nil
	}
	pods := &corev1.PodList{}
	if err := r.List(ctx, pods, client.InNamespace(server.Namespace), client.MatchingLabels{render.SelectorLabel: server.Name}); err != nil {
		return nil, rollout.Decision{}, err
	}
	in := rollout.Input{
		Now: time.Now(), Deadline: deadline(server, dep), Generation: server.Generation, ConfigHash: configHash,
		RolledOut: w.RolledOut, CanRollBack: true, Stored: stored.Rollout, ServedTools: stored.Tools,
		AllowToolRemoval: server.Spec.Rollout != nil && server.Spec.Rollout.AllowToolRemoval,
	}
	in.Pods = r.observePods(name, pods.Items, url, server.Spec.Config.Port, tls)
	if !newRevision {
		newest, err := r.newestRevision(ctx, dep, in.Pods, w.RolledOut || stored.Rollout == nil || stored.Rollout.VerifiedRevision == "")
		if err != nil {
			return nil, rollout.Decision{}, err
		}
		in.Newest = newest
	}
	d := rollout.Decide(in)
	if d.RollBack {
		if rs, err := r.revision(ctx, server, d.Status.VerifiedRevision); err != nil {
			return nil, rollout.Decision{}, err
		} else if rs == nil {
			in.CanRollBack = false
			d = rollout.Decide(in)
		}
	}
	for _, g := range d.Gates {
		if err := r.setGate(ctx, server.Namespace, g); err != nil {
			return nil, rollout.Decision{}, err
		}
	}
	return &status.Rollout{State: d.Status, Condition: d.Condition}, d, nil
}

// gated reports whether the Deployment's pods carry the operator's readiness gate: the render
// decided (spec, admin default, chart default), and the Deployment says what it decided.
func gated(dep *appsv1.Deployment) bool {
	for _, g := range dep.Spec.Template.Spec.ReadinessGates {
		if g.ConditionType == rollout.GateCondition {
			return true
		}
	}
	return false
}

// deadline is spec.rollout.deadlineSeconds, else the Deployment's progress deadline.
func deadline(server *mcpv1beta1.MCPServer, dep *appsv1.Deployment) time.Duration {
	if r := server.Spec.Rollout; r != nil && r.DeadlineSeconds != nil {
		return time.Duration(*r.DeadlineSeconds) * time.Second
	}
	if s := dep.Spec.ProgressDeadlineSeconds; s != nil {
		return time.Duration(*s) * time.Second
	}
	return defaultProgressDeadline
}

// observePods turns the server's running pods into what the decision needs, asking the
// handshake scheduler to verify each one whose containers are ready (at the pod's IP and MCP
// port, under the Service's URL as of the pod's revision), and forgetting the pods that are
// gone.
func (r *MCPServerReconciler) observePods(name types.NamespacedName, pods []corev1.Pod, url string, port int32, tls mcpprobe.TLS) []rollout.Pod {
	var out []rollout.Pod
	keep := map[string]bool{}
	for i := range pods {
		p := &pods[i]
		if !p.DeletionTimestamp.IsZero() || p.Status.Phase != corev1.PodRunning || p.Status.PodIP == "" {
			continue
		}
		rp := rollout.Pod{Name: p.Name, Revision: p.Labels[rollout.RevisionLabel], Gate: podCondition(p, rollout.GateCondition)}
		if podCondition(p, corev1.ContainersReady) == corev1.ConditionTrue {
			keep[p.Name] = true
			podPort := strconv.Itoa(int(mcpPort(p, port)))
			dial := net.JoinHostPort(p.Status.PodIP, podPort)
			h := r.Handshakes.ObservePod(name, p.Name, handshake.Target{URL: withPort(url, podPort), Dial: dial, TLS: tls})
			rp.Probe, rp.Failures = h.Result, h.Failures
		}
		out = append(out, rp)
	}
	r.Handshakes.ForgetPods(name, keep)
	return out
}

// mcpPort is the port the pod serves MCP on: its container port named mcp, which is the
// spec's port as of the pod's revision. A pod of the verified revision keeps being verified
// where it listens while a revision that changes spec.config.port rolls out or is rolled back;
// probed at the new port, it would fail and lose its gate, and the server its traffic. A pod
// with no such port (not rendered by this chart) is probed at the spec's port.
func mcpPort(p *corev1.Pod, specPort int32) int32 {
	if _, port, ok := findMCPPort(p.Spec.Containers); ok {
		return port.ContainerPort
	}
	return specPort
}

// withPort is the URL with another port: the Service's URL as of a pod whose revision had
// another spec.config.port (the Service's port is the spec's).
func withPort(rawURL, port string) string {
	u, err := neturl.Parse(rawURL)
	if err != nil || u.Port() == port {
		return rawURL
	}
	u.Host = net.JoinHostPort(u.Hostname(), port)
	return u.String()
}

func podCondition(p *corev1.Pod, t corev1.PodConditionType) corev1.ConditionStatus {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

// newestRevision is the pod-template-hash of the Deployment's newest revision, "" while the
// Deployment controller has not made it. Where the pods
// share one revision and that is known to be it (podsTell: the Deployment is rolled out, or no
// revision was verified yet, so nothing could be rolled back anyway), it costs no request; in a
// rollout it is the ReplicaSet whose revision number is the Deployment's, or, while the
// Deployment controller has not seen the latest spec, the one whose template is the
// Deployment's.
func (r *MCPServerReconciler) newestRevision(ctx context.Context, dep *appsv1.Deployment, pods []rollout.Pod, podsTell bool) (string, error) {
	if podsTell && len(pods) > 0 {
		same := true
		for _, p := range pods {
			same = same && p.Revision == pods[0].Revision
		}
		if same && pods[0].Revision != "" {
			return pods[0].Revision, nil
		}
	}
	want := dep.Annotations[revisionAnnotation]
	if want == "" {
		return "", nil // the Deployment controller has made no revision yet
	}
	lagging := dep.Status.ObservedGeneration < dep.Generation
	if lagging && podsTell {
		// Pods tell, and did not: no verified revision could be mistaken for the newest
		// (the Deployment is not rolled out), so a new server waits for the Deployment
		// controller without reading ReplicaSets.
		return "", nil
	}
	sets, err := r.replicaSets(ctx, dep)
	if err != nil {
		return "", err
	}
	if lagging {
		// The Deployment controller has not seen the latest spec, so its revision annotation
		// may name the revision before it, which must not be taken for the newest. The newest
		// is the ReplicaSet whose template is the Deployment's, as the Deployment controller
		// finds it: a scale keeps it, a new template has none yet.
		return templateRevision(sets, dep), nil
	}
	for _, rs := range sets {
		if rs.Annotations[revisionAnnotation] == want {
			return rs.Labels[rollout.RevisionLabel], nil
		}
	}
	return "", nil
}

// templateRevision is the pod-template-hash of the oldest ReplicaSet whose pod template is the
// Deployment's, its own hash label aside (the Deployment controller's FindNewReplicaSet), or ""
// when there is none.
func templateRevision(sets []appsv1.ReplicaSet, dep *appsv1.Deployment) string {
	slices.SortStableFunc(sets, func(a, b appsv1.ReplicaSet) int {
		return a.CreationTimestamp.Compare(b.CreationTimestamp.Time)
	})
	for _, rs := range sets {
		tmpl := rs.Spec.Template.DeepCopy()
		hash := tmpl.Labels[rollout.RevisionLabel]
		delete(tmpl.Labels, rollout.RevisionLabel)
		if hash != "" && equality.Semantic.DeepEqual(*tmpl, dep.Spec.Template) {
			return hash
		}
	}
	return ""
}

// replicaSets lists the Deployment's ReplicaSets from the API server: they are read only
// during rollouts, so the operator does not cache them.
func (r *MCPServerReconciler) replicaSets(ctx context.Context, dep *appsv1.Deployment) ([]appsv1.ReplicaSet, error) {
	list := &appsv1.ReplicaSetList{}
	if err := r.APIReader.List(ctx, list, client.InNamespace(dep.Namespace), client.MatchingLabels(dep.Spec.Selector.MatchLabels)); err != nil {
		return nil, fmt.Errorf("listing the ReplicaSets of Deployment %s: %w", client.ObjectKeyFromObject(dep), err)
	}
	var owned []appsv1.ReplicaSet
	for _, rs := range list.Items {
		if ref := metav1.GetControllerOf(&rs); ref != nil && ref.UID == dep.UID {
			owned = append(owned, rs)
		}
	}
	return owned, nil
}

// revision returns the ReplicaSet of the server's Deployment with pod-template-hash hash, or
// nil when there is none.
func (r *MCPServerReconciler) revision(ctx context.Context, server *mcpv1beta1.MCPServer, hash string) (*appsv1.ReplicaSet, error) {
	dep := &appsv1.Deployment{}
	if owned, err := r.ownedObject(ctx, server, dep); err != nil || !owned {
		return nil, err
	}
	sets, err := r.replicaSets(ctx, dep)
	if err != nil {
		return nil, err
	}
	for i := range sets {
		if sets[i].Labels[rollout.RevisionLabel] == hash {
			return &sets[i], nil
		}
	}
	return nil, nil
}

// holdVerifiedRevision puts the verified revision's pod template into the rendered Deployment,
// while status records that the revision the spec renders was rolled back: the Deployment then
// runs (or returns to) the last verified pods, and nothing rolls forward until the spec or its
// configuration changes. Without the verified ReplicaSet there is nothing to hold, and the
// rendered template stands.
func (r *MCPServerReconciler) holdVerifiedRevision(ctx context.Context, server *mcpv1beta1.MCPServer, objs []client.Object, verified string) error {
	rs, err := r.revision(ctx, server, verified)
	if err != nil || rs == nil {
		return err
	}
	for _, o := range objs {
		if d, ok := o.(*appsv1.Deployment); ok {
			tmpl := rs.Spec.Template.DeepCopy()
			delete(tmpl.Labels, rollout.RevisionLabel)
			d.Spec.Template = *tmpl
		}
	}
	return nil
}

// setGate writes one pod's gate condition, as a strategic merge patch of its status (conditions
// merge by type), so that nothing else of the pod is sent or touched.
func (r *MCPServerReconciler) setGate(ctx context.Context, namespace string, g rollout.Gate) error {
	patch, err := json.Marshal(map[string]any{"status": map[string]any{"conditions": []corev1.PodCondition{{
		Type: rollout.GateCondition, Status: g.Status, Reason: g.Reason, Message: g.Message,
		LastTransitionTime: metav1.Now(), LastProbeTime: metav1.Now(),
	}}}})
	if err != nil {
		return err
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: g.Pod}}
	if err := r.Status().Patch(ctx, pod, client.RawPatch(types.StrategicMergePatchType, patch)); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("setting the gate %s of pod %s/%s: %w", rollout.GateCondition, namespace, g.Pod, err)
	}
	objectWrites.WithLabelValues("Pod", "status").Inc()
	return nil
}
