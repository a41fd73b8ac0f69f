// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
)

// Scenario 9: kube-apiserver, then etcd, killed with SIGKILL and started again: the operator
// rides through both, and a spec edited after each restart rolls out and is verified.
func TestControlPlaneRestarts(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	standIn := startSample(t, "steady", "")
	startOperator(t, "operator", resolve(ns, "steady", 8080, standIn.addr))
	newServer(t, ns, "steady", nil)
	waitForCondition(t, key(ns, "steady"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	for i, program := range []string{localcluster.APIServer, localcluster.Etcd} {
		down, err := cluster.RestartControlPlaneProgram(ctx, program)
		if err != nil {
			t.Fatalf("restarting %s: %v", program, err)
		}
		t.Logf("%s restarted; the API server answered again after %s", program, down)
		value := fmt.Sprintf("after-%s", program)
		patch := fmt.Sprintf(`{"spec":{"config":{"env":[{"name":"RESTART","value":%q}]}}}`, value)
		s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "steady", Namespace: ns}}
		if err := k8s.Patch(ctx, s, client.RawPatch(types.MergePatchType, []byte(patch))); err != nil {
			t.Fatal(err)
		}
		if s.Generation != int64(i+2) {
			t.Fatalf("generation %d after edit %d", s.Generation, i+1)
		}
		waitForCondition(t, key(ns, "steady"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
		check.Eventually(t, timeout, "the edit in the Deployment", func() (bool, string) {
			d := &appsv1.Deployment{}
			if err := k8s.Get(ctx, key(ns, "steady"), d); err != nil {
				return false, err.Error()
			}
			env := d.Spec.Template.Spec.Containers[0].Env
			return slices.Contains(env, corev1.EnvVar{Name: "RESTART", Value: value}), fmt.Sprintf("env %v", env)
		})
	}
}
