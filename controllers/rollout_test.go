// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/rollout"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// The envtest API server has no Deployment controller and no kubelet: these tests play both,
// making the ReplicaSets and pods of each revision, and point each pod's IP at a server on
// loopback through the resolver, as --resolve does outside a cluster.

// revisionOf makes what the Deployment controller makes for the Deployment's current template:
// a ReplicaSet of revision n with hash, and one running pod at ip whose containers are ready.
func revisionOf(t *testing.T, d *appsv1.Deployment, n int, hash, ip string) *corev1.Pod {
	t.Helper()
	ctx := context.Background()
	labels := map[string]string{rollout.RevisionLabel: hash}
	for k, v := range d.Spec.Selector.MatchLabels {
		labels[k] = v
	}
	tmpl := d.Spec.Template.DeepCopy()
	tmpl.Labels[rollout.RevisionLabel] = hash
	owner := metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: d.Namespace, Name: d.Name + "-" + hash, Labels: labels,
			Annotations: map[string]string{revisionAnnotation: fmt.Sprint(n)}, OwnerReferences: []metav1.OwnerReference{*owner}},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: *tmpl},
	}
	if err := k8s.Create(ctx, rs); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(d.DeepCopy())
	if d.Annotations == nil {
		d.Annotations = map[string]string{}
	}
	d.Annotations[revisionAnnotation] = fmt.Sprint(n)
	if err := k8s.Patch(ctx, d, patch); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: d.Namespace, Name: rs.Name + "-x", Labels: labels},
		Spec: *tmpl.Spec.DeepCopy()}
	if err := k8s.Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	pod.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip, Conditions: []corev1.PodCondition{
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}}
	if err := k8s.Status().Update(ctx, pod); err != nil {
		t.Fatal(err)
	}
	return pod
}

// rollingStatus reports the Deployment mid-rollout: the new pod is not available.
func rollingStatus(t *testing.T, d *appsv1.Deployment) {
	t.Helper()
	check.Eventually(t, timeout, "Deployment status mid-rollout", func() (bool, string) {
		cur := &appsv1.Deployment{}
		if err := k8s.Get(context.Background(), key2(d), cur); err != nil {
			return false, err.Error()
		}
		cur.Status = appsv1.DeploymentStatus{ObservedGeneration: cur.Generation, Replicas: 2, UpdatedReplicas: 1, ReadyReplicas: 1, AvailableReplicas: 1,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable",
				LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now()}}}
		err := k8s.Status().Update(context.Background(), cur)
		return err == nil, fmt.Sprint(err)
	})
}

// waitForGate waits until the pod's verification gate has the status.
func waitForGate(t *testing.T, pod *corev1.Pod, want corev1.ConditionStatus) corev1.PodCondition {
	t.Helper()
	var got corev1.PodCondition
	check.Eventually(t, timeout, fmt.Sprintf("pod %s gate %s", pod.Name, want), func() (bool, string) {
		p := &corev1.Pod{}
		if err := k8s.Get(context.Background(), key2(pod), p); err != nil {
			return false, err.Error()
		}
		for _, c := range p.Status.Conditions {
			if c.Type == rollout.GateCondition {
				got = c
				return c.Status == want, fmt.Sprintf("%s %s: %s", c.Status, c.Reason, c.Message)
			}
		}
		return false, "no gate condition"
	})
	return got
}

// newImage gives the server another image and returns its Deployment once rendered with it.
func newImage(t *testing.T, s *mcpv1beta1.MCPServer, ref string) *appsv1.Deployment {
	t.Helper()
	// The operator writes status meanwhile: each write is a new resourceVersion.
	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur := getServer(t, key(s))
		cur.Spec.Source.ContainerImage.Ref = ref
		return k8s.Update(context.Background(), cur)
	}); err != nil {
		t.Fatal(err)
	}
	var d *appsv1.Deployment
	check.Eventually(t, timeout, "the new image rendered", func() (bool, string) {
		d = waitForDeployment(t, key(s))
		img := d.Spec.Template.Spec.Containers[0].Image
		return img == ref, img
	})
	return d
}

const revisionAnnotation = "deployment.kubernetes.io/revision"

// gated reports whether the Deployment's pods carry the verification gate.
func gated(d *appsv1.Deployment) bool {
	for _, g := range d.Spec.Template.Spec.ReadinessGates {
		if g.ConditionType == rollout.GateCondition {
			return true
		}
	}
	return false
}

func routePod(t *testing.T, ip, addr string) {
	t.Helper()
	if err := resolver.Set(fmt.Sprintf("%s:8080:%s", ip, addr)); err != nil {
		t.Fatal(err)
	}
}

// TestBadRevisionIsRolledBack: the first revision's pod is gated in after its handshake and
// recorded as verified; a new revision whose pod does not speak MCP stays out of the Service,
// and at its deadline the Deployment returns to the verified pod template, with the condition,
// the record and a Warning event, while the server stays Ready.
func TestBadRevisionIsRolledBack(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "rolling", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Rollout = &mcpv1beta1.RolloutConfig{DeadlineSeconds: ptr.To[int32](10)}
	})
	good := startMCPServerFor(t, s, mcptest.ServerOptions{Tools: []string{"forecast"}})
	d := waitForDeployment(t, key(s))
	if !gated(d) {
		t.Fatal("the Deployment's pods carry no verification gate")
	}
	first := revisionOf(t, d, 1, "r1", "10.0.0.1")
	routePod(t, "10.0.0.1", good.Addr)
	if c := waitForGate(t, first, corev1.ConditionTrue); c.Reason != rollout.GateReasonVerified {
		t.Errorf("gate %+v", c)
	}
	makeAvailable(t, key(s))
	verified := waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionTrue, mcpv1beta1.ReasonRolloutVerified)
	if r := verified.Status.Rollout; r == nil || r.VerifiedRevision != "r1" {
		t.Fatalf("status.rollout %+v", r)
	}

	notMCP := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) }))
	t.Cleanup(notMCP.Close)
	u, _ := url.Parse(notMCP.URL)
	routePod(t, "10.0.0.2", u.Host)
	d2 := newImage(t, s, "quay.io/example/mcp-server:2.0.0-broken")
	// Until the Deployment controller has seen the new template, the newest revision is not
	// known, and the verified one is not taken for it.
	waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionUnknown, mcpv1beta1.ReasonRolloutVerifying)
	second := revisionOf(t, d2, 2, "r2", "10.0.0.2")
	rollingStatus(t, d2)
	if c := waitForGate(t, second, corev1.ConditionFalse); c.Reason == "" {
		t.Errorf("gate without a reason: %+v", c)
	}
	waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionFalse, mcpv1beta1.ReasonRolloutFailing)

	back := waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionFalse, mcpv1beta1.ReasonRolledBack)
	if rb := back.Status.Rollout.RolledBack; rb == nil || rb.Revision != "r2" || rb.Generation != back.Generation {
		t.Fatalf("rolledBack %+v", rb)
	}
	if c := condition(t, back, mcpv1beta1.ConditionAvailable); c.Status != metav1.ConditionTrue {
		t.Errorf("Available %s/%s during the rollback, want True: the old pod served throughout", c.Status, c.Reason)
	}
	check.Eventually(t, timeout, "the Deployment back on the verified template", func() (bool, string) {
		d3 := waitForDeployment(t, key(s))
		img := d3.Spec.Template.Spec.Containers[0].Image
		_, hashed := d3.Spec.Template.Labels[rollout.RevisionLabel]
		return img == "quay.io/example/mcp-server:1.0.0" && !hashed, fmt.Sprintf("%s (hash label %v)", img, hashed)
	})
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, mcpv1beta1.ReasonRolledBack, "runs the verified revision r1 again")
}

// TestPortChangeRolledBackKeepsTheVerifiedPod: a revision that moves spec.config.port to a
// port nothing listens on is rolled back, and meanwhile the verified revision's pod is verified
// where it listens (its own mcp port, not the new spec's): its gate is never taken away, so the
// server keeps its traffic through a bad change.
func TestPortChangeRolledBackKeepsTheVerifiedPod(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "moving", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Rollout = &mcpv1beta1.RolloutConfig{DeadlineSeconds: ptr.To[int32](10)}
	})
	good := startMCPServerFor(t, s, mcptest.ServerOptions{Tools: []string{"forecast"}})
	d := waitForDeployment(t, key(s))
	first := revisionOf(t, d, 1, "p1", "10.0.3.1")
	routePod(t, "10.0.3.1", good.Addr)
	verifiedGate := waitForGate(t, first, corev1.ConditionTrue)
	makeAvailable(t, key(s))
	waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionTrue, mcpv1beta1.ReasonRolloutVerified)

	// At the new port the pods answer nothing MCP; the Service's new port still reaches the
	// old pod, whose mcp port it targets.
	notMCP := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) }))
	t.Cleanup(notMCP.Close)
	u, _ := url.Parse(notMCP.URL)
	for _, entry := range []string{"10.0.3.1:9090:" + u.Host, "10.0.3.2:9090:" + u.Host,
		fmt.Sprintf("%s.%s.svc.%s:9090:%s", s.Name, ns, clusterDomain, good.Addr)} {
		if err := resolver.Set(entry); err != nil {
			t.Fatal(err)
		}
	}
	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur := getServer(t, key(s))
		cur.Spec.Config.Port = 9090
		return k8s.Update(context.Background(), cur)
	}); err != nil {
		t.Fatal(err)
	}
	var d2 *appsv1.Deployment
	check.Eventually(t, timeout, "the new port rendered", func() (bool, string) {
		d2 = waitForDeployment(t, key(s))
		ports := d2.Spec.Template.Spec.Containers[0].Ports
		return len(ports) == 1 && ports[0].ContainerPort == 9090, fmt.Sprint(ports)
	})
	second := revisionOf(t, d2, 2, "p2", "10.0.3.2")
	rollingStatus(t, d2)
	waitForGate(t, second, corev1.ConditionFalse)
	waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionFalse, mcpv1beta1.ReasonRolledBack)

	if g := waitForGate(t, first, corev1.ConditionTrue); !g.LastTransitionTime.Equal(&verifiedGate.LastTransitionTime) {
		t.Errorf("the verified pod's gate was rewritten during the bad revision (%s, then %s: %s)",
			verifiedGate.LastTransitionTime, g.LastTransitionTime, g.Message)
	}
}

// TestRevisionDroppingAToolIsHeld: a new revision's pod that answers without a tool the
// verified revision serves is not gated in, and the status says which tool.
func TestRevisionDroppingAToolIsHeld(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "held", nil)
	full := startMCPServerFor(t, s, mcptest.ServerOptions{Tools: []string{"forecast", "alerts"}})
	d := waitForDeployment(t, key(s))
	first := revisionOf(t, d, 1, "h1", "10.0.1.1")
	routePod(t, "10.0.1.1", full.Addr)
	waitForGate(t, first, corev1.ConditionTrue)
	makeAvailable(t, key(s))
	waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionTrue, mcpv1beta1.ReasonRolloutVerified)
	check.Eventually(t, timeout, "the served tools in status", func() (bool, string) {
		tools := getServer(t, key(s)).Status.Tools
		return tools != nil && tools.Count == 2, fmt.Sprint(tools)
	})

	fewer, err := mcptest.Start(mcptest.ServerOptions{Path: "/mcp", Tools: []string{"forecast", "radar"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fewer.Stop)
	routePod(t, "10.0.1.2", fewer.Addr)
	d2 := newImage(t, s, "quay.io/example/mcp-server:2.0.0")
	second := revisionOf(t, d2, 2, "h2", "10.0.1.2")
	rollingStatus(t, d2)
	if c := waitForGate(t, second, corev1.ConditionFalse); c.Reason != rollout.GateReasonToolsRemoved {
		t.Errorf("gate %+v, want ToolsRemoved", c)
	}
	held := waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionFalse, mcpv1beta1.ReasonRolloutHeld)
	tc := held.Status.Rollout.ToolChanges
	if tc == nil || fmt.Sprint(tc.Removed) != "[alerts]" || fmt.Sprint(tc.Added) != "[radar]" {
		t.Errorf("toolChanges %+v", tc)
	}
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, mcpv1beta1.ReasonRolloutHeld, "alerts")
	waitForEvent(t, ns, s.Name, corev1.EventTypeNormal, "RevisionToolsChanged", "removed [alerts]")
}

// TestVerificationOff: spec.rollout.verify None renders no gate and no rollout status.
func TestVerificationOff(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "plain", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Rollout = &mcpv1beta1.RolloutConfig{Verify: mcpv1beta1.RolloutVerifyNone}
	})
	startMCPServerFor(t, s, mcptest.ServerOptions{})
	if d := waitForDeployment(t, key(s)); gated(d) {
		t.Fatal("a gate with verification off")
	}
	makeAvailable(t, key(s))
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionVerified, metav1.ConditionTrue, mcpv1beta1.ReasonVerified)
	if got.Status.Rollout != nil || check.Condition(got.Status.Conditions, mcpv1beta1.ConditionRolloutVerified) != nil {
		t.Errorf("rollout status with verification off: %+v", got.Status.Rollout)
	}
}

// TestScalingAVerifiedServerKeepsItVerified: a spec change that keeps the pods' template (here
// a scale from one pod to two) makes no new revision. Every status written from the change to
// the new generation's own verdict keeps the server Ready with its address and its rollout
// verified: while the operator's apply is not in its cache yet, while the Deployment controller
// has not caught up, and while the new pod waits for its handshake.
func TestScalingAVerifiedServerKeepsItVerified(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	s := newServer(t, ns, "scaled", nil)
	good := startMCPServerFor(t, s, mcptest.ServerOptions{Tools: []string{"forecast"}})
	d := waitForDeployment(t, key(s))
	first := revisionOf(t, d, 1, "r1", "10.0.3.1")
	routePod(t, "10.0.3.1", good.Addr)
	routePod(t, "10.0.3.2", good.Addr)
	waitForGate(t, first, corev1.ConditionTrue)
	makeAvailable(t, key(s))
	waitForCondition(t, key(s), mcpv1beta1.ConditionRolloutVerified, metav1.ConditionTrue, mcpv1beta1.ReasonRolloutVerified)
	before := waitForCondition(t, key(s), mcpv1beta1.ConditionVerified, metav1.ConditionTrue, mcpv1beta1.ReasonVerified)

	wc, err := client.NewWithWatch(env.Config, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	statuses, err := wc.Watch(ctx, &mcpv1beta1.MCPServerList{}, client.InNamespace(ns),
		&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: before.ResourceVersion}})
	if err != nil {
		t.Fatal(err)
	}
	defer statuses.Stop()

	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur := getServer(t, key(s))
		cur.Spec.Runtime.Replicas = ptr.To[int32](2)
		return k8s.Update(ctx, cur)
	}); err != nil {
		t.Fatal(err)
	}
	// As the Deployment controller would: the new generation observed with one pod of two
	// available, a second pod of the same ReplicaSet, and both available once it is verified.
	check.Eventually(t, timeout, "the Deployment scaled to 2, observed with 1 available", func() (bool, string) {
		cur := waitForDeployment(t, key(s))
		if cur.Spec.Replicas == nil || *cur.Spec.Replicas != 2 {
			return false, fmt.Sprintf("spec.replicas %v", cur.Spec.Replicas)
		}
		cur.Status.ObservedGeneration, cur.Status.Replicas, cur.Status.UpdatedReplicas = cur.Generation, 2, 2
		err := k8s.Status().Update(ctx, cur)
		return err == nil, fmt.Sprint(err)
	})
	second := first.DeepCopy()
	second.ObjectMeta = metav1.ObjectMeta{Namespace: first.Namespace, Name: first.Name + "-2", Labels: first.Labels}
	if err := k8s.Create(ctx, second); err != nil {
		t.Fatal(err)
	}
	second.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.0.3.2", Conditions: []corev1.PodCondition{
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}}
	if err := k8s.Status().Update(ctx, second); err != nil {
		t.Fatal(err)
	}
	waitForGate(t, second, corev1.ConditionTrue)
	makeAvailable(t, key(s))
	after := waitForCondition(t, key(s), mcpv1beta1.ConditionVerified, metav1.ConditionTrue, mcpv1beta1.ReasonVerified)
	if after.Status.Replicas != 2 {
		t.Errorf("status.replicas %d, want 2", after.Status.Replicas)
	}

	for seen := 0; ; seen++ {
		var ev watch.Event
		select {
		case ev = <-statuses.ResultChan():
		case <-time.After(timeout):
			t.Fatalf("the watch did not reach the new generation's verdict (resourceVersion %s) after %d statuses", after.ResourceVersion, seen)
		}
		srv, ok := ev.Object.(*mcpv1beta1.MCPServer)
		if !ok {
			t.Fatalf("watch event %s: %T", ev.Type, ev.Object)
		}
		for _, c := range []string{mcpv1alpha1.ConditionReady, mcpv1beta1.ConditionRolloutVerified} {
			if got := check.Condition(srv.Status.Conditions, c); got == nil || got.Status != metav1.ConditionTrue {
				t.Errorf("generation %d, status %d: %s is %+v, want True throughout the scale", srv.Status.ObservedGeneration, seen, c, got)
			}
		}
		if srv.Status.Address == nil || srv.Status.Address.URL == "" {
			t.Errorf("generation %d, status %d: the address was withdrawn during the scale", srv.Status.ObservedGeneration, seen)
		}
		if srv.ResourceVersion == after.ResourceVersion {
			return
		}
	}
}
