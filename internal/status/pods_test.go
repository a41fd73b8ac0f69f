// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/internal/status"
)

func pod(name string, mutate func(*corev1.PodStatus)) corev1.Pod {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}}
	mutate(&p.Status)
	return p
}

func waiting(reason, message string) func(*corev1.PodStatus) {
	return func(s *corev1.PodStatus) {
		s.ContainerStatuses = []corev1.ContainerStatus{{Name: "mcp-server", State: corev1.ContainerState{
			Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}}}
	}
}

func TestPodProblems(t *testing.T) {
	tests := map[string]struct {
		pods []corev1.Pod
		want []string
	}{
		"image pull back-off, two pods": {
			pods: []corev1.Pod{pod("b", waiting("ImagePullBackOff", "Back-off pulling image")), pod("a", waiting("ImagePullBackOff", "Back-off pulling image"))},
			want: []string{"container mcp-server: ImagePullBackOff: Back-off pulling image; check spec.source.containerImage.ref and imagePullSecrets (2 pods)"},
		},
		"crash loop with exit code": {
			pods: []corev1.Pod{pod("a", func(s *corev1.PodStatus) {
				waiting("CrashLoopBackOff", "back-off 5m0s restarting failed container")(s)
				s.ContainerStatuses[0].LastTerminationState.Terminated = &corev1.ContainerStateTerminated{ExitCode: 2, Reason: "Error"}
			})},
			want: []string{"CrashLoopBackOff: back-off 5m0s restarting failed container (last exit code 2, Error)"},
		},
		"OOM killed": {
			pods: []corev1.Pod{pod("a", func(s *corev1.PodStatus) {
				waiting("CrashLoopBackOff", "")(s)
				s.ContainerStatuses[0].LastTerminationState.Terminated = &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled"}
			})},
			want: []string{"was OOMKilled: raise spec.runtime.resources.limits.memory", "CrashLoopBackOff"},
		},
		"non-root image runs as root": {
			pods: []corev1.Pod{pod("a", waiting("CreateContainerConfigError", "container has runAsNonRoot and image will run as root"))},
			want: []string{"CreateContainerConfigError: container has runAsNonRoot and image will run as root"},
		},
		"unschedulable": {
			pods: []corev1.Pod{pod("a", func(s *corev1.PodStatus) {
				s.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
					Message: "0/3 nodes are available: 3 Insufficient memory."}}
			})},
			want: []string{"pods cannot be scheduled: 0/3 nodes are available: 3 Insufficient memory."},
		},
		"readiness probe failing": {
			pods: []corev1.Pod{pod("a", func(s *corev1.PodStatus) {
				s.ContainerStatuses = []corev1.ContainerStatus{{Name: "mcp-server", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
			})},
			want: []string{"container mcp-server is running but not ready: its readiness probe fails"},
		},
		"healthy pods": {
			pods: []corev1.Pod{pod("a", func(s *corev1.PodStatus) {
				s.ContainerStatuses = []corev1.ContainerStatus{{Name: "mcp-server", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
			})},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := status.PodProblems(tc.pods)
			if len(got) != len(tc.want) {
				t.Fatalf("problems %q, want %d like %q", got, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("problem %q does not contain %q", got[i], tc.want[i])
				}
			}
		})
	}
}
