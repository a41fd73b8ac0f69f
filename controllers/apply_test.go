// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
)

// TestNewObjectsBelongToTheApplyManager: a new server's objects are created by server-side
// apply, and their fields belong to the operator's Apply manager alone, so that a field the
// spec drops later is removed from the Deployment by the next apply.
func TestNewObjectsBelongToTheApplyManager(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	s := newServer(t, ns, "fresh", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Env = []corev1.EnvVar{{Name: "DROPPED_LATER", Value: "1"}}
	})
	dep := waitForDeployment(t, key(s))
	for _, obj := range []client.Object{dep, &corev1.Service{}, &networkingv1.NetworkPolicy{}} {
		if err := k8s.Get(ctx, key(s), obj); err != nil {
			t.Fatal(err)
		}
		var managers []string
		for _, m := range obj.GetManagedFields() {
			managers = append(managers, fmt.Sprintf("%s/%s", m.Manager, m.Operation))
		}
		if !slices.Equal(managers, []string{"mcp-operator/" + string(metav1.ManagedFieldsOperationApply)}) {
			t.Errorf("%T %s managed by %v, want the operator's Apply manager alone", obj, obj.GetName(), managers)
		}
	}

	latest := getServer(t, key(s))
	latest.Spec.Config.Env = nil
	if err := k8s.Update(ctx, latest); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "DROPPED_LATER removed from the Deployment", func() (bool, string) {
		d := &appsv1.Deployment{}
		if err := k8s.Get(ctx, key(s), d); err != nil {
			return false, err.Error()
		}
		env := d.Spec.Template.Spec.Containers[0].Env
		return !slices.ContainsFunc(env, func(e corev1.EnvVar) bool { return e.Name == "DROPPED_LATER" }), fmt.Sprint(env)
	})
}

// TestOwnObjectMissingFromTheCacheIsReappliedNotReported: a Deployment of the server's that
// lost the label the cache selects on is still the server's. Creating it finds it there, the
// operator reads it, sees it owns it, and applies it again, label included, instead of
// reporting a conflict.
func TestOwnObjectMissingFromTheCacheIsReappliedNotReported(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	s := newServer(t, ns, "unlabelled", nil)
	dep := waitForDeployment(t, key(s))
	patch := client.RawPatch("application/json-patch+json",
		[]byte(`[{"op":"remove","path":"/metadata/labels/`+render.SelectorLabel+`"}]`))
	if err := k8s.Patch(ctx, dep, patch); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "the Deployment labelled again", func() (bool, string) {
		d := &appsv1.Deployment{}
		if err := k8s.Get(ctx, key(s), d); err != nil {
			return false, err.Error()
		}
		return d.Labels[render.SelectorLabel] == s.Name, fmt.Sprint(d.Labels)
	})
	got := getServer(t, key(s))
	if c := check.Condition(got.Status.Conditions, mcpv1beta1.ConditionAccepted); c != nil && c.Status != metav1.ConditionTrue {
		t.Errorf("Accepted %s/%s: %s", c.Status, c.Reason, c.Message)
	}
}
