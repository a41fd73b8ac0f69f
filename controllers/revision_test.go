// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mcp-operator/mcp-operator/internal/rollout"
)

// deploymentOf is a Deployment of one container running image, with replicas pods and the
// Deployment-level labels given.
func deploymentOf(image string, replicas int32, labels map[string]string) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "weather", Namespace: "ns", Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "weather"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "mcp", Image: image}}},
			},
		},
	}
}

// applyAnswer is dep as the API server answers an apply: unstructured.
func applyAnswer(t *testing.T, dep *appsv1.Deployment) *unstructured.Unstructured {
	t.Helper()
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(dep)
	if err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: obj}
}

// TestOnlyAPodTemplateChangeIsANewRevision: a scale or a Deployment label repaired is applied
// without a new revision, so the rollout keeps its verified revision; a new image is one.
func TestOnlyAPodTemplateChangeIsANewRevision(t *testing.T) {
	before := deploymentOf("quay.io/example/mcp:1", 1, map[string]string{"team": "a"})
	for _, tc := range []struct {
		name  string
		after *appsv1.Deployment
		want  bool
	}{
		{"nothing", deploymentOf("quay.io/example/mcp:1", 1, map[string]string{"team": "a"}), false},
		{"a scale", deploymentOf("quay.io/example/mcp:1", 3, map[string]string{"team": "a"}), false},
		{"a Deployment label", deploymentOf("quay.io/example/mcp:1", 1, map[string]string{"team": "b"}), false},
		{"a new image", deploymentOf("quay.io/example/mcp:2", 1, map[string]string{"team": "a"}), true},
	} {
		if got := podTemplateChanged(before, applyAnswer(t, tc.after)); got != tc.want {
			t.Errorf("%s: podTemplateChanged %v, want %v", tc.name, got, tc.want)
		}
	}

	unreadable := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"replicas": "three"}}}
	if !podTemplateChanged(before, unreadable) {
		t.Error("an answer that is no Deployment counts as no change; it must count as one (the rollout then waits)")
	}
	if podTemplateChanged(&corev1.Service{}, applyAnswer(t, before)) {
		t.Error("a Service has no pod template to change")
	}
}

// replicaSetOf is a ReplicaSet of dep's template with pod-template-hash hash, created at.
func replicaSetOf(dep *appsv1.Deployment, image, hash string, at time.Time) appsv1.ReplicaSet {
	tmpl := dep.Spec.Template.DeepCopy()
	tmpl.Spec.Containers[0].Image = image
	if hash != "" {
		tmpl.Labels[rollout.RevisionLabel] = hash
	}
	return appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "weather-" + hash, CreationTimestamp: metav1.NewTime(at)},
		Spec:       appsv1.ReplicaSetSpec{Template: *tmpl},
	}
}

// TestTemplateRevisionIsTheReplicaSetWithTheDeploymentsTemplate: while the Deployment
// controller lags, the newest revision is the oldest ReplicaSet whose template is the
// Deployment's once its own hash label is set aside, and none when the template is new.
func TestTemplateRevisionIsTheReplicaSetWithTheDeploymentsTemplate(t *testing.T) {
	dep := deploymentOf("quay.io/example/mcp:2", 2, nil)
	t0 := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		sets []appsv1.ReplicaSet
		want string
	}{
		{"no ReplicaSets", nil, ""},
		{"a new template", []appsv1.ReplicaSet{replicaSetOf(dep, "quay.io/example/mcp:1", "h1", t0)}, ""},
		{"a scale of the second revision", []appsv1.ReplicaSet{
			replicaSetOf(dep, "quay.io/example/mcp:2", "h2", t0.Add(time.Minute)),
			replicaSetOf(dep, "quay.io/example/mcp:1", "h1", t0),
		}, "h2"},
		{"two of the template: the oldest, as the Deployment controller picks", []appsv1.ReplicaSet{
			replicaSetOf(dep, "quay.io/example/mcp:2", "h3", t0.Add(2*time.Minute)),
			replicaSetOf(dep, "quay.io/example/mcp:2", "h2", t0.Add(time.Minute)),
		}, "h2"},
		{"one of the template without a hash", []appsv1.ReplicaSet{replicaSetOf(dep, "quay.io/example/mcp:2", "", t0)}, ""},
	} {
		if got := templateRevision(tc.sets, dep); got != tc.want {
			t.Errorf("%s: templateRevision %q, want %q", tc.name, got, tc.want)
		}
	}
}
