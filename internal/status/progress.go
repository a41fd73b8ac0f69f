// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"time"

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

// FirstStatusGrace is how long a new server's first status may wait for its first verdict.
// Most servers whose pods start at once are Available and verified within it, so they get one
// status write on the way to Ready instead of two ("initializing", then "ready").
const FirstStatusGrace = 5 * time.Second

// FirstWriteWait says how much longer the first status of a server may wait: more than zero
// when nothing was ever written (no conditions), next says only that the accepted server is
// still initializing, and its Deployment was created less than FirstStatusGrace before now.
// Anything a user must act on (a rejected spec, a pod problem, a condition False other than
// NetworkPolicyRestricted) is written at once, and so is the initializing status once the
// grace is over.
func FirstWriteWait(stored, next mcpv1beta1.MCPServerStatus, w Workload, now time.Time) time.Duration {
	if len(stored.Conditions) > 0 || w.Created.IsZero() || !initializing(next) || len(w.PodProblems) > 0 {
		return 0
	}
	if c := meta.FindStatusCondition(next.Conditions, mcpv1beta1.ConditionAccepted); c == nil || c.Status != metav1.ConditionTrue {
		return 0
	}
	for _, c := range next.Conditions {
		// NetworkPolicyRestricted False says how the network is set up, not that anything failed.
		if c.Status == metav1.ConditionFalse && c.Type != mcpv1beta1.ConditionNetworkPolicyRestricted {
			return 0 // a Route the cluster cannot serve, a gateway route not registered yet...
		}
	}
	return max(0, w.Created.Add(FirstStatusGrace).Sub(now))
}
