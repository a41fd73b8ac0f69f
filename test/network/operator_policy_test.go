// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package network holds the operator's own NetworkPolicy, as every install path ships it, to
// what the operator needs: it selects the operator's pods, admits metrics and probes, and lets
// the operator reach DNS, the API server and the pods of every MCP server it renders.
package network

import (
	"path/filepath"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

func TestOperatorNetworkPolicyLetsTheOperatorWork(t *testing.T) {
	for _, manifest := range []string{"dist/install.yaml", "bundle/manifests/mcp-operator-controller-manager_networking.k8s.io_v1_networkpolicy.yaml"} {
		t.Run(manifest, func(t *testing.T) {
			np, manager := policyAndManager(t, filepath.Join(testenv.RepoRoot(), manifest))
			if manager != nil {
				selector, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
				if err != nil || !selector.Matches(labels.Set(manager.Spec.Template.Labels)) {
					t.Errorf("the policy's podSelector %v does not select the manager's pods %v", np.Spec.PodSelector, manager.Spec.Template.Labels)
				}
			}
			if sel := labels.SelectorFromSet(render.OperatorPodLabels); !sel.Matches(labels.Set(np.Spec.PodSelector.MatchLabels)) {
				t.Errorf("the MCP servers' policies admit %v, which the operator's pods %v do not carry", render.OperatorPodLabels, np.Spec.PodSelector.MatchLabels)
			}
			ports := map[int32]bool{}
			for _, rule := range np.Spec.Ingress {
				for _, p := range rule.Ports {
					ports[p.Port.IntVal] = len(rule.From) == 0
				}
			}
			if !ports[8443] || !ports[8081] {
				t.Errorf("ingress %+v does not admit metrics (8443) and probes (8081) from anywhere", np.Spec.Ingress)
			}
			egressPorts := map[int32]bool{}
			reachesServers := false
			serverPod := renderedServerPodLabels(t)
			for _, rule := range np.Spec.Egress {
				for _, p := range rule.Ports {
					egressPorts[p.Port.IntVal] = true
				}
				for _, to := range rule.To {
					sel, err := metav1.LabelSelectorAsSelector(to.PodSelector)
					if err == nil && to.NamespaceSelector != nil && len(to.NamespaceSelector.MatchLabels) == 0 &&
						len(rule.Ports) == 0 && sel.Matches(labels.Set(serverPod)) {
						reachesServers = true
					}
				}
			}
			for _, p := range []int32{53, 443, 6443} {
				if !egressPorts[p] {
					t.Errorf("egress does not allow port %d (DNS, the API server): %+v", p, np.Spec.Egress)
				}
			}
			if !reachesServers {
				t.Errorf("egress %+v does not reach an MCP server's pod %v on any port in any namespace", np.Spec.Egress, serverPod)
			}
		})
	}
}

// policyAndManager reads the operator's NetworkPolicy and its manager Deployment (nil when the
// manifest has none) from a manifest.
func policyAndManager(t *testing.T, path string) (*networkingv1.NetworkPolicy, *appsv1.Deployment) {
	t.Helper()
	var np *networkingv1.NetworkPolicy
	var manager *appsv1.Deployment
	for _, u := range check.ReadManifests(t, path) {
		switch u.GetKind() {
		case "NetworkPolicy":
			np = &networkingv1.NetworkPolicy{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, np); err != nil {
				t.Fatal(err)
			}
		case "Deployment":
			if u.GetName() == "mcp-operator-controller-manager" {
				manager = &appsv1.Deployment{}
				if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, manager); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if np == nil {
		t.Fatalf("%s has no NetworkPolicy for the operator", path)
	}
	return np, manager
}

func renderedServerPodLabels(t *testing.T) map[string]string {
	t.Helper()
	r, err := render.NewChartRenderer()
	if err != nil {
		t.Fatal(err)
	}
	s := &mcpv1beta1.MCPServer{Spec: mcpv1beta1.MCPServerSpec{
		Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/a/b:1"}},
		Config: mcpv1beta1.ServerConfig{Port: 9000},
	}}
	s.Name, s.Namespace = "any", "team-a"
	objs, err := r.Render(render.Request{Server: s})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if d, ok := o.(*appsv1.Deployment); ok {
			return d.Spec.Template.Labels
		}
	}
	t.Fatal("no Deployment rendered")
	return nil
}
