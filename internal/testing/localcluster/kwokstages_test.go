// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package localcluster

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kwok/pkg/apis/internalversion"
	"sigs.k8s.io/kwok/pkg/config"
	"sigs.k8s.io/kwok/pkg/utils/lifecycle"
)

const testGate = "mcp.x-k8s.io/verified"

// TestPodStagesPlayTheKubelet: loaded by kwok's own config loader and matched by its own
// lifecycle, the stages take each pod where a kubelet would: a pod without gates to Ready, a
// gated pod to Ready only once its gate is True (and back when it turns False), and a pod whose
// container is never ready to CrashLoopBackOff; every pod goes through exactly one stage.
func TestPodStagesPlayTheKubelet(t *testing.T) {
	stages, err := kwokStages(testGate)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "stages.yaml")
	if err := os.WriteFile(file, []byte(stages), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	objs, err := config.Load(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	var podStages []*internalversion.Stage
	for _, s := range config.FilterWithType[*internalversion.Stage](objs) {
		if s.Spec.ResourceRef.Kind == "Pod" {
			podStages = append(podStages, s)
		}
	}
	lc, err := lifecycle.NewLifecycle(podStages)
	if err != nil {
		t.Fatal(err)
	}

	gated := func(p *corev1.Pod) { p.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: testGate}} }
	running := func(gate, ready corev1.ConditionStatus) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			gated(p)
			p.Status.Phase = corev1.PodRunning
			p.Status.Conditions = []corev1.PodCondition{{Type: testGate, Status: gate}, {Type: corev1.PodReady, Status: ready}}
		}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*corev1.Pod)
		want   string // "" for none
	}{
		{"a pending pod without gates", func(*corev1.Pod) {}, "pod-ready-gated"},
		{"a pending gated pod", gated, "pod-ready-gated"},
		{"a pending pod that is never ready", func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "OTHER", Value: "1"}, {Name: NeverReadyEnv, Value: "true"}}
		}, "pod-never-ready"},
		{"a running pod whose gate passed", running(corev1.ConditionTrue, corev1.ConditionFalse), "pod-gate-passed"},
		{"a running pod whose gate failed", running(corev1.ConditionFalse, corev1.ConditionTrue), "pod-gate-failed"},
		{"a running pod not verified yet", running(corev1.ConditionFalse, corev1.ConditionFalse), ""},
		{"a running verified pod", running(corev1.ConditionTrue, corev1.ConditionTrue), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &corev1.Pod{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
				ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"},
				Spec:       corev1.PodSpec{NodeName: "kwok-node-0", Containers: []corev1.Container{{Name: "mcp-server", Image: "example"}}},
				Status:     corev1.PodStatus{Phase: corev1.PodPending},
			}
			tc.mutate(p)
			content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(p)
			if err != nil {
				t.Fatal(err)
			}
			matched, err := lc.ListAllPossible(ctx, &lifecycle.Event{Data: &unstructured.Unstructured{Object: content}})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range matched {
				names = append(names, s.Name())
			}
			if tc.want == "" && len(names) != 0 || tc.want != "" && (len(names) != 1 || names[0] != tc.want) {
				t.Errorf("stages %v, want %q", names, tc.want)
			}
		})
	}
}
