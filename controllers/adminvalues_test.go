// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
)

// setAdminValues writes the admin values ConfigMap; the test removes it at its end.
func setAdminValues(t *testing.T, defaults, overrides string) {
	t.Helper()
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: adminConfigMap, Namespace: operatorNamespace}}
	data := map[string]string{"defaults.yaml": defaults, "overrides.yaml": overrides}
	if err := k8s.Get(ctx, key2(cm), cm); apierrors.IsNotFound(err) {
		cm.Data = data
		if err := k8s.Create(ctx, cm); err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	} else {
		cm.Data = data
		if err := k8s.Update(ctx, cm); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), cm) })
}

// deploymentWhere waits until the server's Deployment satisfies cond.
func deploymentWhere(t *testing.T, s *mcpv1beta1.MCPServer, what string, cond func(*appsv1.Deployment) bool) {
	t.Helper()
	check.Eventually(t, timeout, what, func() (bool, string) {
		d := &appsv1.Deployment{}
		if err := k8s.Get(context.Background(), key(s), d); err != nil {
			return false, err.Error()
		}
		return cond(d), "replicas " + itoa(ptr.Deref(d.Spec.Replicas, -1)) + ", nodeSelector " + toString(d.Spec.Template.Spec.NodeSelector)
	})
}

// TestAdminValues: defaults fill what a server leaves out, overrides win over what it says, a
// change re-renders running servers, a broken ConfigMap keeps the last good values (with a
// Warning event and the metric at 0), and fixing it recovers by itself.
func TestAdminValues(t *testing.T) {
	ns := newNamespace(t)
	plain := newServer(t, ns, "plain", nil)
	explicit := newServer(t, ns, "explicit", func(s *mcpv1beta1.MCPServer) { s.Spec.Runtime.Replicas = ptr.To[int32](3) })
	deploymentWhere(t, plain, "chart defaults", func(d *appsv1.Deployment) bool { return *d.Spec.Replicas == 1 })

	// Defaults: fill what the MCPServer left out, never what it said.
	setAdminValues(t, "replicas: 2\nnodeSelector: {pool: mcp}\n", "")
	deploymentWhere(t, plain, "admin default replicas and node selector", func(d *appsv1.Deployment) bool {
		return *d.Spec.Replicas == 2 && d.Spec.Template.Spec.NodeSelector["pool"] == "mcp"
	})
	deploymentWhere(t, explicit, "the server's own replicas kept over the default", func(d *appsv1.Deployment) bool {
		return *d.Spec.Replicas == 3 && d.Spec.Template.Spec.NodeSelector["pool"] == "mcp"
	})

	// Overrides: win over what the MCPServer says.
	setAdminValues(t, "replicas: 2\nnodeSelector: {pool: mcp}\n", "replicas: 1\n")
	deploymentWhere(t, explicit, "the override beating the server's replicas", func(d *appsv1.Deployment) bool { return *d.Spec.Replicas == 1 })

	// Broken: the last good values stay in use, and it is said loudly.
	before := metricSum(t, "mcp_operator_admin_values_errors_total", "", "")
	setAdminValues(t, "replicas: [not, a, number", "replicas: 1\n")
	waitForEvent(t, operatorNamespace, adminConfigMap, corev1.EventTypeWarning, "InvalidAdminValues", "last good values")
	if got := metricSum(t, "mcp_operator_admin_values_valid", "", ""); got != 0 {
		t.Errorf("mcp_operator_admin_values_valid = %v, want 0", got)
	}
	if got := metricSum(t, "mcp_operator_admin_values_errors_total", "", ""); got <= before {
		t.Errorf("mcp_operator_admin_values_errors_total did not grow: %v", got)
	}
	// A server created while the values are broken is rendered with the last good ones.
	late := newServer(t, ns, "late", nil)
	deploymentWhere(t, late, "last good values for a new server", func(d *appsv1.Deployment) bool {
		return *d.Spec.Replicas == 1 && d.Spec.Template.Spec.NodeSelector["pool"] == "mcp"
	})
	deploymentWhere(t, plain, "running servers untouched", func(d *appsv1.Deployment) bool {
		return *d.Spec.Replicas == 1 && d.Spec.Template.Spec.NodeSelector["pool"] == "mcp"
	})

	// Values that parse but break the chart are kept out the same way.
	setAdminValues(t, "tolerations: everyone\n", "")
	check.Eventually(t, timeout, "the metric still at 0", func() (bool, string) {
		return metricSum(t, "mcp_operator_admin_values_valid", "", "") == 0, ""
	})

	// Fixed: it recovers by itself.
	setAdminValues(t, "nodeSelector: {pool: fixed}\n", "")
	deploymentWhere(t, plain, "the fixed values", func(d *appsv1.Deployment) bool {
		return *d.Spec.Replicas == 1 && d.Spec.Template.Spec.NodeSelector["pool"] == "fixed"
	})
	if got := metricSum(t, "mcp_operator_admin_values_valid", "", ""); got != 1 {
		t.Errorf("mcp_operator_admin_values_valid = %v after the fix, want 1", got)
	}
}

// TestPruneWhatTheChartNoLongerRenders: an admin turning NetworkPolicies off removes the ones
// the operator made; turning them on again brings them back.
func TestPruneWhatTheChartNoLongerRenders(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "pruned", nil)
	np := &networkingv1.NetworkPolicy{}
	check.Eventually(t, timeout, "the NetworkPolicy", func() (bool, string) {
		return k8s.Get(context.Background(), key(s), np) == nil, ""
	})
	setAdminValues(t, "", "networkPolicy: {enabled: false}\n")
	check.Eventually(t, timeout, "the NetworkPolicy pruned", func() (bool, string) {
		err := k8s.Get(context.Background(), key(s), &networkingv1.NetworkPolicy{})
		return apierrors.IsNotFound(err), "still there"
	})
	requireExists(t, &appsv1.Deployment{}, s)
	requireExists(t, &corev1.Service{}, s)

	setAdminValues(t, "", "networkPolicy: {enabled: true}\n")
	check.Eventually(t, timeout, "the NetworkPolicy back", func() (bool, string) {
		return k8s.Get(context.Background(), key(s), &networkingv1.NetworkPolicy{}) == nil, ""
	})
}

// TestRestrictedPostureFromAdminValues: the admin values' restricted posture closes a running
// server that says nothing about its network to all but the admin's peers and the operator,
// leaves it only DNS, and says so in NetworkPolicyRestricted; turning policies off says that.
func TestRestrictedPostureFromAdminValues(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "silent", nil)
	waitForCondition(t, key(s), mcpv1beta1.ConditionNetworkPolicyRestricted, metav1.ConditionFalse, mcpv1beta1.ReasonNetworkUnrestricted)

	setAdminValues(t, "networkPolicy:\n  defaultPosture: restricted\n  allowedPeers: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}}]\n", "")
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionNetworkPolicyRestricted, metav1.ConditionTrue, mcpv1beta1.ReasonNetworkRestricted)
	if msg := condition(t, got, mcpv1beta1.ConditionNetworkPolicyRestricted).Message; !strings.Contains(msg, "only the 2 peers") || !strings.Contains(msg, "only to DNS") {
		t.Errorf("message %q", msg)
	}
	np := &networkingv1.NetworkPolicy{}
	if err := k8s.Get(context.Background(), key(s), np); err != nil {
		t.Fatal(err)
	}
	from := np.Spec.Ingress[0].From
	if len(from) != 2 || from[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != "gateway" ||
		from[1].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != operatorNamespace {
		t.Errorf("ingress from %+v: want the gateway, then the operator", from)
	}
	if len(np.Spec.Egress) != 1 || len(np.Spec.Egress[0].To) != 0 || len(np.Spec.Egress[0].Ports) != 2 {
		t.Errorf("egress %+v: want DNS only", np.Spec.Egress)
	}

	setAdminValues(t, "", "networkPolicy: {enabled: false}\n")
	waitForCondition(t, key(s), mcpv1beta1.ConditionNetworkPolicyRestricted, metav1.ConditionFalse, mcpv1beta1.ReasonNoNetworkPolicy)
}
