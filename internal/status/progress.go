// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// ProgressOnly reports whether next differs from current only in the progress of a rollout
// that is still initializing: Available stays Unknown (Initializing) for the same generation,
// and only the messages of Available and Verified and the replica counts moved ("0 of 1
// replicas available", "verifying the MCP endpoint"). Such a change is not worth an API write:
// it lasts seconds, every MCPServer goes through it, and the API server's write rate bounds how
// fast many servers roll out. Any change of a condition's status or reason, a problem in the
// pods, or the end of the rollout is written at once.
func ProgressOnly(current, next mcpv1beta1.MCPServerStatus) bool {
	if current.ObservedGeneration != next.ObservedGeneration || !initializing(current) || !initializing(next) {
		return false
	}
	a, b := *current.DeepCopy(), *next.DeepCopy()
	for _, s := range []*mcpv1beta1.MCPServerStatus{&a, &b} {
		s.Replicas, s.ReadyReplicas = 0, 0
		for _, t := range []string{mcpv1beta1.ConditionAvailable, mcpv1beta1.ConditionVerified} {
			if c := meta.FindStatusCondition(s.Conditions, t); c != nil {
				c.Message = ""
			}
		}
	}
	return equality.Semantic.DeepEqual(a, b)
}

func initializing(s mcpv1beta1.MCPServerStatus) bool {
	c := meta.FindStatusCondition(s.Conditions, mcpv1beta1.ConditionAvailable)
	return c != nil && c.Status == metav1.ConditionUnknown && c.Reason == mcpv1beta1.ReasonInitializing
}
