// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// TestRolloutVerifiedEventIsForARevisionReplacingAVerifiedOne: a revision verified in place
// of a verified one is an event; a new server's first revision is told by the readiness event
// alone, not a second event for every new server, and the verified revision verified again
// is no event either.
func TestRolloutVerifiedEventIsForARevisionReplacingAVerifiedOne(t *testing.T) {
	rollout := func(reason, verified, newest string) mcpv1beta1.MCPServerStatus {
		status := metav1.ConditionUnknown
		if reason == mcpv1beta1.ReasonRolloutVerified {
			status = metav1.ConditionTrue
		}
		return mcpv1beta1.MCPServerStatus{
			Rollout:    &mcpv1beta1.MCPServerRollout{VerifiedRevision: verified, Revision: newest},
			Conditions: []metav1.Condition{{Type: mcpv1beta1.ConditionRolloutVerified, Status: status, Reason: reason, Message: "m"}},
		}
	}
	for _, tc := range []struct {
		name       string
		prev, next mcpv1beta1.MCPServerStatus
		want       bool
	}{
		{"first revision verified", rollout(mcpv1beta1.ReasonRolloutVerifying, "", "r1"), rollout(mcpv1beta1.ReasonRolloutVerified, "r1", "r1"), false},
		{"first revision verified in the first status", mcpv1beta1.MCPServerStatus{}, rollout(mcpv1beta1.ReasonRolloutVerified, "r1", "r1"), false},
		{"second revision verified", rollout(mcpv1beta1.ReasonRolloutVerifying, "r1", "r2"), rollout(mcpv1beta1.ReasonRolloutVerified, "r2", "r2"), true},
		{"verified after a failing revision", rollout(mcpv1beta1.ReasonRolloutFailing, "r1", "r2"), rollout(mcpv1beta1.ReasonRolloutVerified, "r2", "r2"), true},
		{"still verified", rollout(mcpv1beta1.ReasonRolloutVerified, "r1", "r1"), rollout(mcpv1beta1.ReasonRolloutVerified, "r1", "r1"), false},
		// A pod of the verified revision briefly not ready, or the Deployment just written, and
		// then the same revision verified again.
		{"the verified revision verified again", rollout(mcpv1beta1.ReasonRolloutVerifying, "r1", "r1"), rollout(mcpv1beta1.ReasonRolloutVerified, "r1", "r1"), false},
		{"back to an older revision verified before", rollout(mcpv1beta1.ReasonRolloutVerifying, "r2", "r1"), rollout(mcpv1beta1.ReasonRolloutVerified, "r1", "r1"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recorder := events.NewFakeRecorder(10)
			r := &MCPServerReconciler{Events: recorder}
			r.emitEvents(&mcpv1beta1.MCPServer{}, tc.prev, tc.next)
			close(recorder.Events)
			var got []string
			for e := range recorder.Events {
				got = append(got, e)
			}
			verified := slices.ContainsFunc(got, func(e string) bool { return strings.HasPrefix(e, "Normal RolloutVerified ") })
			if verified != tc.want {
				t.Errorf("RolloutVerified event %v, want %v; events: %q", verified, tc.want, got)
			}
		})
	}
}
