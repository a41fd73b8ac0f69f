// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

// writeStatus computes the status the observation implies and writes it in one patch, only if
// it differs from the stored one in more than the progress of an initial rollout (see
// status.ProgressOnly); then it emits the events a user needs to see. A new server's first
// status waits a few seconds for its first verdict (status.FirstWriteWait): wait says how long,
// for the reconcile to come back then.
func (r *MCPServerReconciler) writeStatus(ctx context.Context, server *mcpv1beta1.MCPServer, obs status.Observation) (next mcpv1beta1.MCPServerStatus, wait time.Duration, err error) {
	key := client.ObjectKeyFromObject(server)
	prev := r.statuses.stored(key, server)
	now := metav1.Now()
	next = status.Compute(prev, obs, now)
	if equality.Semantic.DeepEqual(prev, next) || status.ProgressOnly(prev, next) {
		return next, 0, nil
	}
	if wait := status.FirstWriteWait(prev, next, obs.Workload, now.Time); wait > 0 {
		return next, wait, nil
	}
	cachedVersion := server.ResourceVersion
	if err := r.Status().Patch(ctx, server, statusPatch(server, prev, next)); err != nil {
		return next, 0, fmt.Errorf("writing status: %w", err)
	}
	r.statuses.wrote(key, cachedVersion, server.ResourceVersion, next)
	objectWrites.WithLabelValues("MCPServer", "status").Inc()
	r.emitEvents(server, prev, next)
	return next, 0, nil
}

// statusPatch sets server.Status to next and returns the merge patch from prev, the status as
// last stored, to next. The cached server may not show the operator's own last write yet (prev
// then comes from statusWrites): a patch computed from the cached status would leave out every
// field that write changed and this one changes back, and the stored status would keep the
// values of the write in between (a Ready server left with phase Pending and no address).
func statusPatch(server *mcpv1beta1.MCPServer, prev, next mcpv1beta1.MCPServerStatus) client.Patch {
	base := server.DeepCopy()
	base.Status = prev
	server.Status = next
	return client.MergeFrom(base)
}

// statusWrites remembers the status the reconciler last wrote for a server until the cache
// shows it. A reconcile that runs before the watch delivers the operator's own write would
// otherwise take the older status for the stored one and write the same status again.
type statusWrites struct {
	mu      sync.Mutex
	pending map[types.NamespacedName]pendingStatus
}

type pendingStatus struct {
	// older are the resourceVersions the cache may still show that predate the write: the
	// cached one it was made against, and those of earlier writes the cache has not shown.
	older []string
	// written is the resourceVersion the write produced.
	written string
	status  mcpv1beta1.MCPServerStatus
}

func newStatusWrites() *statusWrites {
	return &statusWrites{pending: map[types.NamespacedName]pendingStatus{}}
}

// stored returns the server's status as last stored: the one the operator wrote, while the
// cached server is still a version older than that write; else the cached one.
func (w *statusWrites) stored(key types.NamespacedName, cached *mcpv1beta1.MCPServer) mcpv1beta1.MCPServerStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.pending[key]
	if ok && slices.Contains(p.older, cached.ResourceVersion) {
		return *p.status.DeepCopy()
	}
	delete(w.pending, key) // the cache has caught up (or the server moved on): it is the truth
	return cached.Status
}

// wrote records a status write made against the cached resourceVersion base, which the API
// server answered with resourceVersion written.
func (w *statusWrites) wrote(key types.NamespacedName, base, written string, s mcpv1beta1.MCPServerStatus) {
	w.mu.Lock()
	defer w.mu.Unlock()
	older := []string{base}
	if p, ok := w.pending[key]; ok && slices.Contains(p.older, base) {
		// Written while the cache still showed an older version than the last write's: the
		// cache may show that write's version next, which is older than this one's too.
		older = append(slices.Clone(p.older), p.written)
	}
	w.pending[key] = pendingStatus{older: older, written: written, status: *s.DeepCopy()}
}

func (w *statusWrites) forget(key types.NamespacedName) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.pending, key)
}

// emitEvents reports the changes a user cares about: acceptance, readiness, deprecated
// features found, a changed tool set, ignored reserved annotations, and TLS verification
// turned off. Routine status updates make no events.
func (r *MCPServerReconciler) emitEvents(server *mcpv1beta1.MCPServer, prev, next mcpv1beta1.MCPServerStatus) {
	if c, changed := conditionChange(prev, next, mcpv1beta1.ConditionAccepted, true); changed && c.Status == metav1.ConditionFalse {
		r.Events.Eventf(server, nil, corev1.EventTypeWarning, c.Reason, "Validate", "%s", c.Message)
	}
	// Readiness events follow Ready as v1alpha1 shows it (Available and Verified together). Its
	// message counts retries and replicas, so only a new status or reason is news.
	// A server found using deprecated features as it becomes ready is told so in the readiness
	// event: one event, not two, for every new server of that kind.
	deprecated := deprecationNews(prev, next)
	if c, changed := readyChange(prev, next); changed && c.Status != metav1.ConditionUnknown {
		eventType := corev1.EventTypeNormal
		if c.Status == metav1.ConditionFalse {
			eventType = corev1.EventTypeWarning
		}
		if deprecated != "" && c.Status == metav1.ConditionTrue {
			r.Events.Eventf(server, nil, eventType, c.Reason, "Verify", "%s; %s", c.Message, deprecated)
			deprecated = ""
		} else {
			r.Events.Eventf(server, nil, eventType, c.Reason, "Verify", "%s", c.Message)
		}
	}
	if deprecated != "" {
		r.Events.Eventf(server, nil, corev1.EventTypeNormal, "DeprecatedFeatures", "Verify", "%s", deprecated)
	}
	if prev.Tools != nil && next.Tools != nil && prev.Tools.Digest != next.Tools.Digest && prev.ObservedGeneration == next.ObservedGeneration {
		r.Events.Eventf(server, nil, corev1.EventTypeNormal, "ToolsChanged", "Verify",
			"the server's tools changed without a spec change: %d tools now (%d before)", next.Tools.Count, prev.Tools.Count)
	}
	r.emitRolloutEvents(server, prev, next)
	if prev.ObservedGeneration != next.ObservedGeneration {
		if _, reserved := render.SplitReservedAnnotations(server.Spec.ExtraAnnotations); len(reserved) > 0 {
			r.Events.Eventf(server, nil, corev1.EventTypeWarning, "ReservedAnnotationsIgnored", "Render",
				"spec.extraAnnotations keys with the reserved prefix %s are not applied: %s",
				render.ReservedAnnotationPrefix, strings.Join(reserved, ", "))
		}
		if t := server.Spec.Transport; t != nil && t.TLS != nil && t.TLS.Enabled && t.TLS.InsecureSkipVerify {
			r.Events.Eventf(server, nil, corev1.EventTypeWarning, "InsecureSkipVerify", "Verify",
				"spec.transport.tls.insecureSkipVerify is on: the operator does not verify the server's certificate, so it cannot tell the server from an impostor; use caBundleSecret outside development")
		}
	}
}

// deprecationNews describes the features MCP 2026-07-28 deprecates that a server is found to
// use, when the list in status changes to one that is not empty; else it is empty. It is news,
// not a fault: the server stays verified.
func deprecationNews(prev, next mcpv1beta1.MCPServerStatus) string {
	if next.ServerInfo == nil || len(next.ServerInfo.DeprecatedFeatures) == 0 {
		return ""
	}
	if prev.ServerInfo != nil && slices.Equal(prev.ServerInfo.DeprecatedFeatures, next.ServerInfo.DeprecatedFeatures) {
		return ""
	}
	notes := make([]string, 0, len(next.ServerInfo.DeprecatedFeatures))
	for _, f := range next.ServerInfo.DeprecatedFeatures {
		notes = append(notes, f+": "+mcpprobe.DeprecatedFeature(f).Explain())
	}
	return "the server uses features MCP 2026-07-28 deprecates (they still work, and the server stays verified): " + strings.Join(notes, "; ")
}

// replacesVerified reports whether next verified a revision other than the one prev had
// verified.
func replacesVerified(prev, next *mcpv1beta1.MCPServerRollout) bool {
	return prev != nil && next != nil && prev.VerifiedRevision != "" && next.VerifiedRevision != prev.VerifiedRevision
}

// conditionChange returns next's condition of type t and whether its status or reason (and,
// with byMessage, its message) differs from prev's.
func conditionChange(prev, next mcpv1beta1.MCPServerStatus, t string, byMessage bool) (metav1.Condition, bool) {
	n := meta.FindStatusCondition(next.Conditions, t)
	if n == nil {
		return metav1.Condition{}, false
	}
	p := meta.FindStatusCondition(prev.Conditions, t)
	return *n, p == nil || p.Status != n.Status || p.Reason != n.Reason || (byMessage && p.Message != n.Message)
}

// readyChange returns Ready as v1alpha1 derives it from next, and whether its status or reason
// differs from prev's.
func readyChange(prev, next mcpv1beta1.MCPServerStatus) (metav1.Condition, bool) {
	n := mcpv1alpha1.ReadyFrom(next.Conditions)
	if n == nil {
		return metav1.Condition{}, false
	}
	p := mcpv1alpha1.ReadyFrom(prev.Conditions)
	return *n, p == nil || p.Status != n.Status || p.Reason != n.Reason
}

// emitRolloutEvents reports a rollout that is held, failing or cannot be rolled back (the
// rollback itself is reported where it is made), a revision verified in place of a verified
// one, and the tool changes of a new revision. A server's first revision being verified is
// told by the readiness event alone, and the verified revision verified again (after a
// moment in which its pods were not all ready, or its Deployment was just written) is no news.
func (r *MCPServerReconciler) emitRolloutEvents(server *mcpv1beta1.MCPServer, prev, next mcpv1beta1.MCPServerStatus) {
	if c, changed := conditionChange(prev, next, mcpv1beta1.ConditionRolloutVerified, false); changed {
		switch c.Reason {
		case mcpv1beta1.ReasonRolloutHeld, mcpv1beta1.ReasonRolloutFailing, mcpv1beta1.ReasonRollbackUnavailable:
			r.Events.Eventf(server, nil, corev1.EventTypeWarning, c.Reason, "Verify", "%s", c.Message)
		case mcpv1beta1.ReasonRolloutVerified:
			if replacesVerified(prev.Rollout, next.Rollout) {
				r.Events.Eventf(server, nil, corev1.EventTypeNormal, "RolloutVerified", "Verify", "%s", c.Message)
			}
		}
	}
	if next.Rollout == nil || next.Rollout.ToolChanges == nil {
		return
	}
	if prev.Rollout != nil && equality.Semantic.DeepEqual(prev.Rollout.ToolChanges, next.Rollout.ToolChanges) {
		return
	}
	tc := next.Rollout.ToolChanges
	r.Events.Eventf(server, nil, corev1.EventTypeNormal, "RevisionToolsChanged", "Verify",
		"revision %s changes the tools: added [%s], removed [%s], definitions changed: %v",
		next.Rollout.Revision, strings.Join(tc.Added, ", "), strings.Join(tc.Removed, ", "), tc.DigestChanged)
}
