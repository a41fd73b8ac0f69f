package controllers

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

// writeStatus computes the status the observation implies and writes it in one patch, only if
// it differs from the stored one; then it emits the events a user needs to see.
func (r *MCPServerReconciler) writeStatus(ctx context.Context, server *mcpv1alpha1.MCPServer, obs status.Observation) (mcpv1alpha1.MCPServerStatus, error) {
	prev := server.Status
	next := status.Compute(prev, obs, metav1.Now())
	if equality.Semantic.DeepEqual(prev, next) {
		return next, nil
	}
	base := server.DeepCopy()
	server.Status = next
	if err := r.Status().Patch(ctx, server, client.MergeFrom(base)); err != nil {
		return next, fmt.Errorf("writing status: %w", err)
	}
	objectWrites.WithLabelValues("MCPServer", "status").Inc()
	r.emitEvents(server, prev, next)
	return next, nil
}

// emitEvents reports the changes a user cares about: acceptance, readiness, a changed tool
// set, and ignored reserved annotations. Routine status updates make no events.
func (r *MCPServerReconciler) emitEvents(server *mcpv1alpha1.MCPServer, prev, next mcpv1alpha1.MCPServerStatus) {
	if c, changed := conditionChange(prev, next, mcpv1alpha1.ConditionAccepted, true); changed && c.Status == metav1.ConditionFalse {
		r.Events.Eventf(server, nil, corev1.EventTypeWarning, c.Reason, "Validate", "%s", c.Message)
	}
	// Ready's message counts retries and replicas, so only a new status or reason is news.
	if c, changed := conditionChange(prev, next, mcpv1alpha1.ConditionReady, false); changed && c.Status != metav1.ConditionUnknown {
		eventType := corev1.EventTypeNormal
		if c.Status == metav1.ConditionFalse {
			eventType = corev1.EventTypeWarning
		}
		r.Events.Eventf(server, nil, eventType, c.Reason, "Verify", "%s", c.Message)
	}
	if prev.Tools != nil && next.Tools != nil && prev.Tools.Digest != next.Tools.Digest && prev.ObservedGeneration == next.ObservedGeneration {
		r.Events.Eventf(server, nil, corev1.EventTypeNormal, "ToolsChanged", "Verify",
			"the server's tools changed without a spec change: %d tools now (%d before)", next.Tools.Count, prev.Tools.Count)
	}
	if prev.ObservedGeneration != next.ObservedGeneration {
		if _, reserved := render.SplitReservedAnnotations(server.Spec.ExtraAnnotations); len(reserved) > 0 {
			r.Events.Eventf(server, nil, corev1.EventTypeWarning, "ReservedAnnotationsIgnored", "Render",
				"spec.extraAnnotations keys with the reserved prefix %s are not applied: %s",
				render.ReservedAnnotationPrefix, strings.Join(reserved, ", "))
		}
	}
}

// conditionChange returns next's condition of type t and whether its status or reason (and,
// with byMessage, its message) differs from prev's.
func conditionChange(prev, next mcpv1alpha1.MCPServerStatus, t string, byMessage bool) (metav1.Condition, bool) {
	n := meta.FindStatusCondition(next.Conditions, t)
	if n == nil {
		return metav1.Condition{}, false
	}
	p := meta.FindStatusCondition(prev.Conditions, t)
	return *n, p == nil || p.Status != n.Status || p.Reason != n.Reason || (byMessage && p.Message != n.Message)
}

func findCondition(s mcpv1alpha1.MCPServerStatus, t string) *metav1.Condition {
	return meta.FindStatusCondition(s.Conditions, t)
}
