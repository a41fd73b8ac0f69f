// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// TestTrimPodKeepsWhatTheOperatorReads: identity, labels, owners, status and the MCP port
// stay; the rest of the spec goes; other objects pass untouched.
func TestTrimPodKeepsWhatTheOperatorReads(t *testing.T) {
	now := metav1.Now()
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u", ResourceVersion: "7", Labels: map[string]string{"a": "b"},
			Annotations: map[string]string{"big": "annotation"}, DeletionTimestamp: &now,
			OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "rs", UID: "o", Controller: ptr.To(true)}}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "mcp-server", Image: "registry.example.com/x:1",
			Ports: []corev1.ContainerPort{{Name: "metrics", ContainerPort: 9100}, {Name: render.MCPPortName, ContainerPort: 9090}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse}},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "mcp-server", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff"}}}}},
	}
	out, err := trimPod(pod)
	if err != nil {
		t.Fatal(err)
	}
	trimmed := out.(*corev1.Pod)
	want := []corev1.Container{{Name: "mcp-server", Ports: []corev1.ContainerPort{{Name: render.MCPPortName, ContainerPort: 9090}}}}
	if !equality.Semantic.DeepEqual(trimmed.Spec.Containers, want) || trimmed.Annotations != nil {
		t.Errorf("more of the spec than the MCP port, or the annotations, were kept: %+v", trimmed)
	}
	if trimmed.Name != "p" || trimmed.UID != "u" || trimmed.ResourceVersion != "7" || trimmed.Labels["a"] != "b" ||
		trimmed.DeletionTimestamp == nil || len(trimmed.OwnerReferences) != 1 || trimmed.Kind != "Pod" {
		t.Errorf("identity lost: %+v", trimmed.ObjectMeta)
	}
	if trimmed.Status.Phase != corev1.PodPending || len(trimmed.Status.Conditions) != 1 ||
		trimmed.Status.ContainerStatuses[0].State.Waiting.Reason != "ImagePullBackOff" {
		t.Errorf("status lost: %+v", trimmed.Status)
	}
	cm := &corev1.ConfigMap{}
	if out, _ := trimPod(cm); out != cm {
		t.Error("an object that is not a pod was changed")
	}
}

func TestAdoptable(t *testing.T) {
	server := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "weather", Namespace: "ns", UID: "new"}}
	owned := func(apiVersion, kind, name string) *corev1.Service {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "weather", Namespace: "ns", OwnerReferences: []metav1.OwnerReference{
			{APIVersion: apiVersion, Kind: kind, Name: name, UID: "old", Controller: ptr.To(true)}}}}
	}
	tests := map[string]struct {
		obj  *corev1.Service
		want bool
	}{
		"an earlier MCPServer of the same name":   {owned("mcp.x-k8s.io/v1alpha1", "MCPServer", "weather"), true},
		"the same, of another version of the API": {owned("mcp.x-k8s.io/v1beta1", "MCPServer", "weather"), true},
		"another MCPServer":                       {owned("mcp.x-k8s.io/v1alpha1", "MCPServer", "other"), false},
		"another group's MCPServer":               {owned("example.com/v1", "MCPServer", "weather"), false},
		"another kind":                            {owned("apps/v1", "Deployment", "weather"), false},
		"nobody's":                                {&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "weather", Namespace: "ns"}}, false},
	}
	for name, tc := range tests {
		if got := adoptable(tc.obj, server); got != tc.want {
			t.Errorf("%s: adoptable = %v, want %v", name, got, tc.want)
		}
	}
}

// TestTheCacheFiltersEveryManagedKindByTheSelectorLabel: every kind of render's table (Routes
// and HTTPRoutes where served) and pods are cached only when the chart's selector label is on them.
func TestTheCacheFiltersEveryManagedKindByTheSelectorLabel(t *testing.T) {
	for _, apis := range []platform.APIs{{}, {Routes: true}, {HTTPRoutes: true}, {Routes: true, HTTPRoutes: true}} {
		opts := CacheOptions([]string{"team-a"}, "mcp-operator-system", apis)
		filtered := map[string]bool{}
		for obj, by := range opts.ByObject {
			if by.Label != nil && by.Label.String() == render.SelectorLabel {
				filtered[fmt.Sprintf("%T", obj)] = true
			}
		}
		for _, kind := range render.Managed {
			want := !kind.NeedsAPI(apis)
			if got := filtered[fmt.Sprintf("%T", kind.New())]; got != want {
				t.Errorf("%+v: %s filtered by %s: %v, want %v", apis, kind.GVK.Kind, render.SelectorLabel, got, want)
			}
		}
		if !filtered["*v1.Pod"] {
			t.Errorf("%+v: pods are not filtered by %s", apis, render.SelectorLabel)
		}
	}
}
