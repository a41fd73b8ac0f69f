// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/mcp-operator/mcp-operator/internal/rollout"
)

// waitingReasons are container waiting states that mean "this will not start by itself soon",
// with what the user can do about each.
var waitingReasons = map[string]string{
	"ImagePullBackOff":           "check spec.source.containerImage.ref and imagePullSecrets",
	"ErrImagePull":               "check spec.source.containerImage.ref and imagePullSecrets",
	"InvalidImageName":           "check spec.source.containerImage.ref",
	"CreateContainerConfigError": "",
	"CreateContainerError":       "",
	"RunContainerError":          "",
	"CrashLoopBackOff":           "the server keeps exiting; see its logs (kubectl logs)",
}

// maxPodProblems bounds how many distinct problems a message lists.
const maxPodProblems = 5

// PodProblems explains, in a user's words, why the pods of a server are not available:
// unschedulable pods, image pull failures, crash loops, OOM kills, configuration errors, failing
// readiness probes. Identical problems of several pods are reported once, with a count.
func PodProblems(pods []corev1.Pod) []string {
	counts := map[string]int{}
	var order []string
	add := func(problem string) {
		if counts[problem] == 0 {
			order = append(order, problem)
		}
		counts[problem]++
	}
	sorted := append([]corev1.Pod(nil), pods...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for i := range sorted {
		for _, p := range podProblems(&sorted[i]) {
			add(p)
		}
	}
	var out []string
	for _, p := range order {
		if counts[p] > 1 {
			p = fmt.Sprintf("%s (%d pods)", p, counts[p])
		}
		out = append(out, p)
		if len(out) == maxPodProblems {
			break
		}
	}
	return out
}

func podProblems(pod *corev1.Pod) []string {
	if !pod.DeletionTimestamp.IsZero() {
		return nil
	}
	var problems []string
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			problems = append(problems, "pods cannot be scheduled: "+oneLine(c.Message))
		}
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == rollout.GateCondition && c.Status == corev1.ConditionFalse && c.Message != "" {
			problems = append(problems, "a pod is not verified: "+oneLine(c.Message))
		}
	}
	statuses := append(append([]corev1.ContainerStatus(nil), pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...)
	for _, cs := range statuses {
		problems = append(problems, containerProblems(cs)...)
	}
	return problems
}

func containerProblems(cs corev1.ContainerStatus) []string {
	var problems []string
	oom := cs.LastTerminationState.Terminated != nil && cs.LastTerminationState.Terminated.Reason == "OOMKilled" ||
		cs.State.Terminated != nil && cs.State.Terminated.Reason == "OOMKilled"
	if oom {
		problems = append(problems, fmt.Sprintf("container %s was OOMKilled: raise spec.runtime.resources.limits.memory", cs.Name))
	}
	if w := cs.State.Waiting; w != nil {
		if hint, ok := waitingReasons[w.Reason]; ok {
			msg := fmt.Sprintf("container %s: %s", cs.Name, w.Reason)
			if w.Message != "" {
				msg += ": " + oneLine(w.Message)
			}
			if t := cs.LastTerminationState.Terminated; w.Reason == "CrashLoopBackOff" && t != nil && !oom {
				msg += fmt.Sprintf(" (last exit code %d, %s)", t.ExitCode, t.Reason)
			}
			if hint != "" {
				msg += "; " + hint
			}
			problems = append(problems, msg)
		}
	}
	if cs.State.Running != nil && !cs.Ready && len(problems) == 0 {
		problems = append(problems, fmt.Sprintf("container %s is running but not ready: its readiness probe fails", cs.Name))
	}
	return problems
}

// oneLine folds a message onto one line and bounds its length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 500 {
		s = s[:500] + "..."
	}
	return s
}
