// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// editEnv is the environment variable the spec edits change.
const editEnv = "CHAOS_EDIT"

func chaosServer(namespace string, i int) *mcpv1beta1.MCPServer {
	s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("server-%03d", i), Namespace: namespace}}
	s.Spec.Source = mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
		ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/mcp-operator/sample-mcp-server:0.1.0"}}
	s.Spec.Config = mcpv1beta1.ServerConfig{Port: 8080, Path: "/mcp", Env: []corev1.EnvVar{{Name: editEnv, Value: "0"}}}
	return s
}

// foreignObjects are objects in the servers' namespaces that the operator does not own: a
// Deployment, a Service and a NetworkPolicy of someone else's app, and a Deployment that has the
// name of an MCPServer created after it (which the operator must not take over).
func foreignObjects(namespace string) []client.Object {
	labels := map[string]string{"app": "bystander"}
	deployment := func(name string) *appsv1.Deployment {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "quay.io/example/bystander:1"}}}}}}
	}
	return []client.Object{
		deployment("bystander"),
		deployment(takenName),
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "bystander", Namespace: namespace, Labels: labels},
			Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}}}},
		&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "bystander", Namespace: namespace, Labels: labels},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: labels}}},
	}
}

// takenName is an MCPServer whose Deployment name a foreign Deployment already has.
const takenName = "server-taken"

// editor changes one random healthy server's spec at a time, for as long as its context lasts;
// the edits that fail while the control plane is down are counted, not retried.
type editor struct {
	c          client.Client
	namespace  string
	count      int
	rng        *rand.Rand
	done, fail atomic.Int64
}

func (e *editor) run(ctx context.Context, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		name := fmt.Sprintf("server-%03d", e.rng.IntN(e.count))
		patch, _ := json.Marshal(map[string]any{"spec": map[string]any{"config": map[string]any{
			"env": []corev1.EnvVar{{Name: editEnv, Value: strconv.Itoa(n)}}}}})
		obj := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.namespace}}
		reqCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := e.c.Patch(reqCtx, obj, client.RawPatch(types.MergePatchType, patch)); err != nil {
			e.fail.Add(1)
		} else {
			e.done.Add(1)
		}
		cancel()
	}
}
