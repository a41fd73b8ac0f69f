// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// PhaseOf sums the conditions up in status.phase, for readers that show one word (the
// OpenShift AI dashboard shows status.phase, and "Pending" for ever when it is missing):
//   - Failed: Accepted, Available or Verified is False;
//   - Available: Available is True and Verified is True, or Available is True because the
//     server is scaled to zero on purpose (nothing to verify);
//   - Pending: anything else (not observed yet, rolling out, the first handshake under way).
func PhaseOf(conditions []metav1.Condition) mcpv1beta1.Phase {
	for _, t := range []string{mcpv1beta1.ConditionAccepted, mcpv1beta1.ConditionAvailable, mcpv1beta1.ConditionVerified} {
		if meta.IsStatusConditionFalse(conditions, t) {
			return mcpv1beta1.PhaseFailed
		}
	}
	available := meta.FindStatusCondition(conditions, mcpv1beta1.ConditionAvailable)
	switch {
	case available == nil || available.Status != metav1.ConditionTrue:
		return mcpv1beta1.PhasePending
	case available.Reason == mcpv1beta1.ReasonScaledToZero,
		meta.IsStatusConditionTrue(conditions, mcpv1beta1.ConditionVerified):
		return mcpv1beta1.PhaseAvailable
	default:
		return mcpv1beta1.PhasePending
	}
}
