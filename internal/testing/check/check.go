// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package check holds the assertions the test suites share: waiting on a condition, reading
// manifests, and the restricted pod security the operator promises. It is the only part of
// the test support that links the testing package, so programs that use the rest (the demo,
// the bench and the chaos run start a local control plane) do not.
package check

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// Eventually polls cond every 100ms until it holds, and fails the test after timeout with cond's
// last description of what it saw.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	var last string
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, timeout, true,
		func(context.Context) (bool, error) {
			var ok bool
			ok, last = cond()
			return ok, nil
		})
	if err != nil {
		t.Fatalf("timed out after %s waiting for %s; last seen: %s", timeout, what, last)
	}
}

// ReadManifests decodes every document of a YAML file into unstructured objects.
func ReadManifests(t testing.TB, path string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := testenv.DecodeManifests(path)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// CheckRestricted fails the test unless a pod spec meets the restricted Pod Security Standard
// the way the operator promises: non-root, seccomp RuntimeDefault, no privilege escalation,
// read-only root filesystem, all capabilities dropped, and no fixed user ID (which OpenShift's
// restricted-v2 SCC would reject).
func CheckRestricted(t testing.TB, pod corev1.PodSpec) {
	t.Helper()
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil ||
		psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault || psc.RunAsUser != nil || psc.FSGroup != nil {
		t.Errorf("pod security context %+v", psc)
	}
	for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
		sc := c.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || sc.ReadOnlyRootFilesystem == nil ||
			!*sc.ReadOnlyRootFilesystem || sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" ||
			sc.RunAsUser != nil {
			t.Errorf("container %s security context %+v", c.Name, sc)
		}
	}
}

// RunningPods lists the Running pods of an MCPServer that are not being deleted.
func RunningPods(t testing.TB, c client.Client, namespace, server string) []corev1.Pod {
	t.Helper()
	list := &corev1.PodList{}
	if err := c.List(context.Background(), list, client.InNamespace(namespace), client.MatchingLabels{render.SelectorLabel: server}); err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range list.Items {
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}
