// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// ProgressOnly reports whether next differs from current only in the progress of a rollout
// that is still initializing: Ready stays Unknown (Initializing) for the same generation, and
// only its message and the replica counts moved ("0 of 1 replicas available", "verifying the
// MCP endpoint"). Such a change is not worth an API write: it lasts seconds, every MCPServer
// goes through it, and the API server's write rate bounds how fast many servers roll out. Any
// change of a condition's status or reason, a problem in the pods, or the end of the rollout
// is written at once.
func ProgressOnly(current, next mcpv1alpha1.MCPServerStatus) bool {
	if current.ObservedGeneration != next.ObservedGeneration || !initializing(current) || !initializing(next) {
		return false
	}
	a, b := *current.DeepCopy(), *next.DeepCopy()
	for _, s := range []*mcpv1alpha1.MCPServerStatus{&a, &b} {
		s.Replicas, s.ReadyReplicas = 0, 0
		meta.FindStatusCondition(s.Conditions, mcpv1alpha1.ConditionReady).Message = ""
	}
	return equality.Semantic.DeepEqual(a, b)
}

func initializing(s mcpv1alpha1.MCPServerStatus) bool {
	c := meta.FindStatusCondition(s.Conditions, mcpv1alpha1.ConditionReady)
	return c != nil && c.Status == metav1.ConditionUnknown && c.Reason == mcpv1alpha1.ReasonInitializing
}
