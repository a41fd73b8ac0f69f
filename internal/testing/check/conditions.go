// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package check

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// Condition finds a condition of an MCPServer's status as a reader of either version sees it:
// v1alpha1's Ready is derived from v1beta1's Available and Verified, as the conversion does;
// every other type is looked up as it is.
func Condition(conditions []metav1.Condition, condType string) *metav1.Condition {
	if condType == mcpv1alpha1.ConditionReady {
		if c := meta.FindStatusCondition(conditions, condType); c != nil {
			return c // a v1alpha1 object's own
		}
		return mcpv1alpha1.ReadyFrom(conditions)
	}
	return meta.FindStatusCondition(conditions, condType)
}
