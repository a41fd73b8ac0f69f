// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render_test

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/rollout"
)

// TestRolloutVerification: pods carry the operator's readiness gate and roll one at a time with
// none unavailable, as shipped; an admin default of None turns both off, and the spec wins over
// it either way; a value that is neither is refused.
func TestRolloutVerification(t *testing.T) {
	r := newRenderer(t)
	gated := func(d *appsv1.Deployment) bool {
		for _, g := range d.Spec.Template.Spec.ReadinessGates {
			if g.ConditionType == rollout.GateCondition {
				return true
			}
		}
		return false
	}
	tests := map[string]struct {
		spec  mcpv1beta1.RolloutVerification
		admin map[string]any
		want  bool
	}{
		"as shipped":                      {want: true},
		"the spec turns it off":           {spec: mcpv1beta1.RolloutVerifyNone},
		"an admin default turns it off":   {admin: map[string]any{"rollout": map[string]any{"verify": "None"}}},
		"the spec wins over the admin":    {spec: mcpv1beta1.RolloutVerifyPerPod, admin: map[string]any{"rollout": map[string]any{"verify": "None"}}, want: true},
		"the spec's other fields keep it": {want: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := customerServer()
			if tc.spec != "" || name == "the spec's other fields keep it" {
				s.Spec.Rollout = &mcpv1beta1.RolloutConfig{Verify: tc.spec, AllowToolRemoval: true}
			}
			objs, err := r.Render(render.Request{Server: s, Admin: render.AdminValues{Defaults: tc.admin}})
			if err != nil {
				t.Fatal(err)
			}
			d, _, _ := objectsByKind(t, objs)
			if got := gated(d); got != tc.want {
				t.Fatalf("readiness gate %v, want %v", got, tc.want)
			}
			ru := d.Spec.Strategy.RollingUpdate
			if tc.want && (ru == nil || ru.MaxSurge.IntValue() != 1 || ru.MaxUnavailable.IntValue() != 0) {
				t.Errorf("strategy %+v, want surge 1 and none unavailable", d.Spec.Strategy)
			}
		})
	}
	err := r.CheckAdminValues(render.AdminValues{Defaults: map[string]any{"rollout": map[string]any{"verify": "perpod"}}})
	if err == nil || !strings.Contains(err.Error(), "rollout.verify must be PerPod or None") {
		t.Errorf("a misspelt admin value: %v", err)
	}
}
