// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"encoding/json"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// Three statuses of one server: ready, then rolling out (no address while unverified), then
// ready again.
var (
	readyStatus = mcpv1beta1.MCPServerStatus{
		ObservedGeneration: 2,
		Phase:              mcpv1beta1.PhaseAvailable,
		Address:            &mcpv1beta1.MCPServerAddress{URL: "http://s.ns.svc.cluster.local:8080/mcp"},
		Conditions: []metav1.Condition{{Type: mcpv1beta1.ConditionAvailable, Status: metav1.ConditionTrue,
			Reason: mcpv1beta1.ReasonAvailable, ObservedGeneration: 2}},
	}
	rollingStatus = mcpv1beta1.MCPServerStatus{
		ObservedGeneration: 3,
		Phase:              mcpv1beta1.PhasePending,
		Conditions: []metav1.Condition{{Type: mcpv1beta1.ConditionAvailable, Status: metav1.ConditionUnknown,
			Reason: mcpv1beta1.ReasonInitializing, ObservedGeneration: 3}},
	}
	readyAgainStatus = mcpv1beta1.MCPServerStatus{
		ObservedGeneration: 3,
		Phase:              mcpv1beta1.PhaseAvailable,
		Address:            &mcpv1beta1.MCPServerAddress{URL: "http://s.ns.svc.cluster.local:8080/mcp"},
		Conditions: []metav1.Condition{{Type: mcpv1beta1.ConditionAvailable, Status: metav1.ConditionTrue,
			Reason: mcpv1beta1.ReasonAvailable, ObservedGeneration: 3}},
	}
)

// TestStatusPatchStartsFromTheLastWrite: the cache still shows the ready status when the
// operator writes the next one, a rollout's; the write after that (ready again) must restore
// the phase and address the rollout's write cleared, although the cached status already has
// them. Caught on the real node: a new leader found a Ready server with phase Pending and no
// address.
func TestStatusPatchStartsFromTheLastWrite(t *testing.T) {
	cached := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "s", ResourceVersion: "10"}, Status: readyStatus}
	stored := &mcpv1beta1.MCPServer{ObjectMeta: cached.ObjectMeta, Status: rollingStatus}

	server := cached.DeepCopy()
	patch := statusPatch(server, rollingStatus, readyAgainStatus)
	data, err := patch.Data(server)
	if err != nil {
		t.Fatal(err)
	}
	got := applyMergePatch(t, stored, patch.Type(), data)
	if diff := cmp.Diff(readyAgainStatus, got.Status); diff != "" {
		t.Errorf("stored status after the patch (-want +got):\n%s", diff)
	}
	if server.Status.Phase != mcpv1beta1.PhaseAvailable {
		t.Errorf("the server in hand has phase %q, want the next status's", server.Status.Phase)
	}
}

// TestPendingStatusOutlivesEveryOlderVersion: two writes while the cache still shows the
// version before both. The cache showing the first write's version is not the truth yet (the
// second write is newer); showing the second's, or anyone else's later version, is.
func TestPendingStatusOutlivesEveryOlderVersion(t *testing.T) {
	key := types.NamespacedName{Namespace: "ns", Name: "s"}
	at := func(rv string, st mcpv1beta1.MCPServerStatus) *mcpv1beta1.MCPServer {
		return &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{ResourceVersion: rv}, Status: st}
	}
	for _, tc := range []struct {
		name   string
		cached *mcpv1beta1.MCPServer
		want   mcpv1beta1.MCPServerStatus
	}{
		{"the cache before both writes", at("10", readyStatus), readyAgainStatus},
		{"the cache at the first write", at("11", rollingStatus), readyAgainStatus},
		{"the cache at the second write", at("12", readyAgainStatus), readyAgainStatus},
		{"someone else's later write", at("13", rollingStatus), rollingStatus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newStatusWrites()
			w.wrote(key, "10", "11", rollingStatus)
			if got := w.stored(key, at("10", readyStatus)); got.Phase != rollingStatus.Phase {
				t.Fatalf("before the second write: phase %q, want the first write's", got.Phase)
			}
			w.wrote(key, "10", "12", readyAgainStatus)
			if diff := cmp.Diff(tc.want, w.stored(key, tc.cached)); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
		})
	}
}

// applyMergePatch applies a JSON merge patch to obj as the API server would.
func applyMergePatch(t *testing.T, obj *mcpv1beta1.MCPServer, patchType types.PatchType, patch []byte) *mcpv1beta1.MCPServer {
	t.Helper()
	if patchType != types.MergePatchType {
		t.Fatalf("patch type %s, want a merge patch", patchType)
	}
	original, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	patched, err := jsonpatch.MergePatch(original, patch)
	if err != nil {
		t.Fatal(err)
	}
	out := &mcpv1beta1.MCPServer{}
	if err := json.Unmarshal(patched, out); err != nil {
		t.Fatal(err)
	}
	return out
}
