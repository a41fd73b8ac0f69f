// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// Rollout is what the reconciler decided of a server's rollout under per-pod verification.
type Rollout struct {
	// Off: the Deployment carries no verification gate; status.rollout and RolloutVerified go.
	Off bool
	// State is the next status.rollout, Condition the RolloutVerified condition.
	State     *mcpv1beta1.MCPServerRollout
	Condition metav1.Condition
}

// rolloutStatus sets status.rollout and RolloutVerified from the decision; without one (the
// reconcile stopped before the workload, for a spec problem) both stay as they were, so that a
// transient problem never forgets the verified revision.
func rolloutStatus(s *mcpv1beta1.MCPServerStatus, r *Rollout, generation int64, now metav1.Time) {
	switch {
	case r == nil:
	case r.Off:
		s.Rollout = nil
		meta.RemoveStatusCondition(&s.Conditions, mcpv1beta1.ConditionRolloutVerified)
	default:
		s.Rollout = r.State.DeepCopy()
		c := r.Condition
		setCondition(s, mcpv1beta1.ConditionRolloutVerified, c.Status, c.Reason, c.Message, generation, now)
	}
}
