// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
)

// TestConfigMapEditRollsTheServer: another toolset in the example's config.toml rolls its pods,
// and the new tools appear in status.
func TestConfigMapEditRollsTheServer(t *testing.T) {
	applyExample(t)
	ctx := context.Background()
	before := serverPods(t, exampleNamespace, exampleName)
	if len(before) != 1 {
		t.Fatalf("%d running pods, want 1", len(before))
	}
	cm := &corev1.ConfigMap{}
	key := client.ObjectKey{Namespace: exampleNamespace, Name: "openshift-mcp-server-config"}
	if err := bed.Cluster.Client.Get(ctx, key, cm); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The next test meets the example as shipped. Going back drops the helm tools, which a
		// verified rollout holds unless tool removal is allowed: allowed for the way back, then
		// the field is removed again (no new revision: it renders nothing into the pods).
		allowToolRemoval(t, true)
		kubectl(t, "apply", "--server-side", "--force-conflicts", "-f", "config/samples/openshift-mcp-server.yaml")
		waitTools(t, func(names []string) bool { return !slices.Contains(names, "helm_list") })
		check.Eventually(t, 2*time.Minute, "one pod of the example", func() (bool, string) {
			n := len(serverPods(t, exampleNamespace, exampleName))
			return n == 1, fmt.Sprint(n, " pods")
		})
		allowToolRemoval(t, false)
		waitReady(t, exampleNamespace, exampleName, metav1.ConditionTrue, "", time.Minute)
	})
	patch := client.MergeFrom(cm.DeepCopy())
	cm.Data["config.toml"] = `log_level = 5
port = "8080"
read_only = true
toolsets = ["core", "config", "helm"]
`
	if err := bed.Cluster.Client.Patch(ctx, cm, patch); err != nil {
		t.Fatal(err)
	}
	waitTools(t, func(names []string) bool { return slices.Contains(names, "helm_list") })
	check.Eventually(t, 2*time.Minute, "the old pod to go", func() (bool, string) {
		pods := serverPods(t, exampleNamespace, exampleName)
		for _, p := range pods {
			if p.UID == before[0].UID {
				return false, "the pod from before the edit still runs"
			}
		}
		return len(pods) == 1, ""
	})
}

// allowToolRemoval sets or removes the example's spec.rollout.allowToolRemoval.
func allowToolRemoval(t *testing.T, allow bool) {
	t.Helper()
	patch := []byte(`{"spec":{"rollout":null}}`)
	if allow {
		patch = []byte(`{"spec":{"rollout":{"allowToolRemoval":true}}}`)
	}
	s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Namespace: exampleNamespace, Name: exampleName}}
	if err := bed.Cluster.Client.Patch(context.Background(), s, client.RawPatch(types.MergePatchType, patch)); err != nil {
		t.Fatal(err)
	}
}

// waitTools waits until the example's tool inventory in status satisfies ok.
func waitTools(t *testing.T, ok func([]string) bool) {
	t.Helper()
	check.Eventually(t, 3*time.Minute, "the tool inventory to change", func() (bool, string) {
		s := server(t, exampleNamespace, exampleName)
		if s.Status.Tools == nil {
			return false, "no tools in status"
		}
		return ok(s.Status.Tools.Names), "tools: " + strings.Join(s.Status.Tools.Names, ",")
	})
}

// sampleServer is an MCPServer of cmd/sample-mcp-server's image with the given arguments.
func sampleServer(namespace, name string, args ...string) *mcpv1beta1.MCPServer {
	return &mcpv1beta1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: mcpv1beta1.MCPServerSpec{
			Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
				ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: nodebed.SampleServerImage}},
			Config: mcpv1beta1.ServerConfig{Port: 8080, Arguments: args},
		},
	}
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := bed.Cluster.Client.Create(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bed.Cluster.Client.Delete(context.Background(), obj) })
}

// TestBrokenServersAreReportedInTheirWords: what a container runtime decides reaches the
// user in Ready's message: a crashing server, an image the registry does not have, and the
// README's troubleshooting for a server that writes to /tmp under the read-only root.
func TestBrokenServersAreReportedInTheirWords(t *testing.T) {
	ns := "node-broken"
	restrictedNamespace(t, ns)

	t.Run("a server that exits at once is CrashLoopBackOff", func(t *testing.T) {
		create(t, sampleServer(ns, "crasher", "--no-such-flag"))
		waitReady(t, ns, "crasher", metav1.ConditionFalse, "CrashLoopBackOff", 4*time.Minute)
	})

	t.Run("an image the registry lacks is a pull failure", func(t *testing.T) {
		s := sampleServer(ns, "missing-image")
		s.Spec.Source.ContainerImage.Ref = "quay.io/mcp-operator/no-such-image:v1"
		create(t, s)
		waitReady(t, ns, "missing-image", metav1.ConditionFalse, "ImagePull", 3*time.Minute)
	})

	t.Run("a server that writes to /tmp runs once an EmptyDir is mounted there, as the README says", func(t *testing.T) {
		s := sampleServer(ns, "writes-tmp", "--scratch-dir=/tmp")
		create(t, s)
		waitReady(t, ns, "writes-tmp", metav1.ConditionFalse, "CrashLoopBackOff", 4*time.Minute)
		s = server(t, ns, "writes-tmp")
		patch := client.MergeFrom(s.DeepCopy())
		s.Spec.Config.Storage = append(s.Spec.Config.Storage, mcpv1beta1.StorageMount{
			Path: "/tmp", Permissions: mcpv1beta1.MountPermissionsReadWrite, Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeEmptyDir, EmptyDir: &corev1.EmptyDirVolumeSource{}},
		})
		if err := bed.Cluster.Client.Patch(context.Background(), s, patch); err != nil {
			t.Fatal(err)
		}
		waitReady(t, ns, "writes-tmp", metav1.ConditionTrue, "", 4*time.Minute)
	})
}

// TestOperatorPodKilledHandsOver: the leader's pod deleted (a restart), the other replica takes
// the lease, reconciles and handshakes every server, and writes nothing for the healthy ones;
// meanwhile MCPServers stay readable through both versions, v1alpha1 through the conversion
// webhook that every replica serves.
func TestOperatorPodKilledHandsOver(t *testing.T) {
	applyExample(t)
	// An earlier test may have changed the example: its rollout must be over, or the new leader
	// rightly finishes it (a CI run caught the old leader killed mid-rollout).
	waitSettled(t, exampleNamespace, exampleName, 4*time.Minute)
	ctx := context.Background()
	before := server(t, exampleNamespace, exampleName)
	deployment := &appsv1.Deployment{}
	if err := bed.Cluster.Client.Get(ctx, client.ObjectKey{Namespace: exampleNamespace, Name: exampleName}, deployment); err != nil {
		t.Fatal(err)
	}
	old := leaderPod(t)
	reads := readContinuously(ctx)
	if err := bed.Cluster.Client.Delete(ctx, &old); err != nil {
		t.Fatal(err)
	}
	var next corev1.Pod
	check.Eventually(t, 2*time.Minute, "another operator pod to lead", func() (bool, string) {
		next = leaderPod(t)
		return next.UID != old.UID && podReady(next), next.Name
	})
	metrics := bed.OperatorMetrics(t.Context(), next)
	check.Eventually(t, 2*time.Minute, "the new leader to handshake with the example", func() (bool, string) {
		m, err := metrics()
		if err != nil {
			return false, err.Error()
		}
		return m["mcp_operator_handshake_duration_seconds_count"] >= 1, "no handshake yet"
	})
	check.Eventually(t, 2*time.Minute, "the deleted pod to be gone and its replacement ready", func() (bool, string) {
		pods := operatorPods(t)
		ready := 0
		for _, p := range pods {
			if p.UID == old.UID {
				return false, "the old pod is still there"
			}
			if podReady(p) {
				ready++
			}
		}
		return ready == 2, fmt.Sprintf("%d of %d pods ready", ready, len(pods))
	})
	total, failed := reads()
	if len(failed) > 0 || total < 20 {
		t.Errorf("%d of %d reads failed while the operator restarted (want none, of at least 20): %v", len(failed), total, failed)
	}
	t.Logf("%d reads (v1alpha1 and v1beta1 lists) while the operator restarted, none failed", total)
	m, err := metrics()
	if err != nil {
		t.Fatal(err)
	}
	if writes := m["mcp_operator_object_writes_total"]; writes != 0 {
		t.Errorf("the new leader made %v writes to a healthy server's objects, want 0", writes)
	}
	after := server(t, exampleNamespace, exampleName)
	if after.ResourceVersion != before.ResourceVersion {
		t.Errorf("the MCPServer was rewritten (resourceVersion %s -> %s); status (-before +after):\n%s",
			before.ResourceVersion, after.ResourceVersion, cmp.Diff(before.Status, after.Status))
	}
	afterDeployment := &appsv1.Deployment{}
	if err := bed.Cluster.Client.Get(ctx, client.ObjectKeyFromObject(deployment), afterDeployment); err != nil {
		t.Fatal(err)
	}
	if afterDeployment.Generation != deployment.Generation {
		t.Errorf("the Deployment's spec changed (generation %d -> %d)", deployment.Generation, afterDeployment.Generation)
	}
	waitReady(t, exampleNamespace, exampleName, metav1.ConditionTrue, "", time.Minute)
}

// readContinuously lists MCPServers through v1alpha1 and v1beta1 every 100ms until the returned
// function is called, which says how many reads there were and which failed.
func readContinuously(ctx context.Context) func() (int, []string) {
	ctx, cancel := context.WithCancel(ctx)
	var mu sync.Mutex
	var total int
	var failed []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			for _, list := range []client.ObjectList{&mcpv1alpha1.MCPServerList{}, &mcpv1beta1.MCPServerList{}} {
				err := bed.Cluster.Client.List(ctx, list)
				mu.Lock()
				total++
				if err != nil && ctx.Err() == nil {
					failed = append(failed, fmt.Sprintf("%T: %v", list, err))
				}
				mu.Unlock()
			}
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() (int, []string) {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return total, failed
	}
}

// leaderPod returns the operator pod that holds the leader election Lease.
func leaderPod(t *testing.T) corev1.Pod {
	t.Helper()
	lease := &coordinationv1.Lease{}
	if err := bed.Cluster.Client.Get(context.Background(), client.ObjectKey{Namespace: nodebed.OperatorNamespace, Name: "mcp-operator.mcp.x-k8s.io"}, lease); err != nil {
		return corev1.Pod{}
	}
	if lease.Spec.HolderIdentity == nil {
		return corev1.Pod{}
	}
	holder, _, _ := strings.Cut(*lease.Spec.HolderIdentity, "_")
	for _, p := range operatorPods(t) {
		if p.Name == holder {
			return p
		}
	}
	return corev1.Pod{}
}

// operatorPods lists the operator's pods that are not being deleted.
func operatorPods(t *testing.T) []corev1.Pod {
	t.Helper()
	pods := &corev1.PodList{}
	if err := bed.Cluster.Client.List(context.Background(), pods, client.InNamespace(nodebed.OperatorNamespace),
		client.MatchingLabels{"control-plane": "controller-manager"}); err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

func podReady(p corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
