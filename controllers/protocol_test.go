// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// TestAModernServerIsDiscovered: a server of MCP 2026-07-28 is verified with server/discover;
// status.serverInfo names the revision spoken, the revisions it listed and the deprecated
// feature it uses (go-sdk advertises logging), read through both API versions; the feature is
// reported by one event, not again on every re-verification.
func TestAModernServerIsDiscovered(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "modern", nil)
	startMCPServerFor(t, s, mcptest.ServerOptions{Name: "modern", Version: "1.8.0", Tools: []string{"echo"}, Stateless: true})
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	server := waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	info := server.Status.ServerInfo
	if info == nil || info.ProtocolVersion != "2026-07-28" || !slices.Contains(info.SupportedProtocolVersions, "2025-11-25") ||
		!slices.Equal(info.DeprecatedFeatures, []string{"Logging"}) {
		t.Fatalf("serverInfo %+v, want 2026-07-28 with the revisions discovered and Logging deprecated", info)
	}
	verified := meta.FindStatusCondition(server.Status.Conditions, mcpv1beta1.ConditionVerified)
	if verified == nil || !strings.Contains(verified.Message, `answered server/discover (protocol 2026-07-28, streamable-http)`) {
		t.Errorf("Verified %+v", verified)
	}
	old := &mcpv1alpha1.MCPServer{}
	if err := k8s.Get(context.Background(), key(s), old); err != nil {
		t.Fatal(err)
	}
	if i := old.Status.ServerInfo; i == nil || !slices.Equal(i.SupportedProtocolVersions, info.SupportedProtocolVersions) || !slices.Equal(i.DeprecatedFeatures, info.DeprecatedFeatures) {
		t.Errorf("v1alpha1 serverInfo %+v, want what v1beta1 says", i)
	}

	// Found as the server became ready, the deprecations are told in the readiness event.
	waitForEvent(t, ns, s.Name, "Normal", mcpv1beta1.ReasonAvailable, "Logging: it advertises the logging capability")
	handshakes := metricSum(t, "mcp_operator_handshake_duration_seconds", "outcome", "Ready")
	check.Eventually(t, timeout, "three more re-verifications", func() (bool, string) {
		return metricSum(t, "mcp_operator_handshake_duration_seconds", "outcome", "Ready") >= handshakes+3, ""
	})
	var notes []string
	for _, e := range eventsFor(t, ns, s.Name) {
		if strings.Contains(e.Note, "features MCP 2026-07-28 deprecates") {
			notes = append(notes, e.Note)
			if e.Series != nil {
				t.Errorf("the deprecation event was repeated %d times", e.Series.Count)
			}
		}
	}
	if len(notes) != 1 {
		t.Errorf("%d events tell the deprecations, want 1: %q", len(notes), notes)
	}
}
