// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	routev1 "github.com/openshift/api/route/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/rollout"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// Scenario 1: the customer's example (v1alpha1), applied unchanged, goes all the way:
// Deployment -> ReplicaSet -> Pod Running on a kwok node -> Deployment Available -> handshake ->
// Ready, at the address it promises; beside it an upstream v1beta1 manifest, unchanged, does the
// same; kubectl shows both, in either version's columns.
func TestCustomerExample(t *testing.T) {
	ctx := context.Background()
	newNamespace(t) // for the failure report; the examples live in "default"
	standIn := startSample(t, "openshift-mcp-server", "")
	upstream := startSample(t, "upstream-v1beta1", "")
	startOperator(t, "operator", resolve("default", "openshift-mcp-server", 8080, standIn.addr),
		resolve("default", "upstream-v1beta1", 8080, upstream.addr))
	manifests := append(check.ReadManifests(t, filepath.Join(testenv.RepoRoot(), "config", "samples", "openshift-mcp-server.yaml")),
		check.ReadManifests(t, filepath.Join("testdata", "upstream-v1beta1.yaml"))...)
	for _, doc := range manifests {
		if err := k8s.Create(ctx, doc); err != nil {
			t.Fatalf("applying %s %s: %v", doc.GetKind(), doc.GetName(), err)
		}
		t.Cleanup(func() { _ = k8s.Delete(context.Background(), doc) })
	}
	up := waitForCondition(t, key("default", "upstream-v1beta1"), mcpv1beta1.ConditionVerified, metav1.ConditionTrue, mcpv1beta1.ReasonVerified)
	if c := conditionOf(up, mcpv1beta1.ConditionAvailable); c.Status != metav1.ConditionTrue || up.Status.Phase != mcpv1beta1.PhaseAvailable {
		t.Errorf("the v1beta1 manifest: Available %s/%s, phase %q", c.Status, c.Reason, up.Status.Phase)
	}
	if up.Status.Address == nil || up.Status.Address.URL != "http://upstream-v1beta1.default.svc.cluster.local:8080/mcp" {
		t.Errorf("the v1beta1 manifest's address %+v", up.Status.Address)
	}
	k := key("default", "openshift-mcp-server")
	server := waitForCondition(t, k, mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	if want := "http://openshift-mcp-server.default.svc.cluster.local:8080/mcp"; server.Status.Address == nil || server.Status.Address.URL != want {
		t.Errorf("address %+v, want %s", server.Status.Address, want)
	}
	if info := server.Status.ServerInfo; info == nil || info.Name != "openshift-mcp-server" || info.ProtocolVersion == "" {
		t.Errorf("serverInfo %+v", info)
	}
	if tools := server.Status.Tools; tools == nil || strings.Join(tools.Names, ",") != "add,current_time,echo" {
		t.Errorf("tools %+v", tools)
	}
	if rs := ownedReplicaSets(t, "default", k.Name); len(rs) != 1 {
		t.Errorf("%d ReplicaSets, want 1", len(rs))
	}
	pods := runningPods(t, "default", k.Name)
	if len(pods) != 1 || !strings.HasPrefix(pods[0].Spec.NodeName, "kwok-node-") {
		t.Errorf("running pods %d (want 1 on a kwok node)", len(pods))
	} else if gate, ready := podCondition(pods[0], rollout.GateCondition), podCondition(pods[0], corev1.PodReady); gate == nil ||
		gate.Reason != rollout.GateReasonVerified || ready == nil || ready.Status != corev1.ConditionTrue || ready.LastTransitionTime.Before(&gate.LastTransitionTime) {
		// kwok plays the kubelet: the pod is Ready once the operator's handshake passed its gate.
		t.Errorf("the pod is not Ready after, and because of, the operator's verification: gate %+v, Ready %+v", gate, ready)
	}
	// kubectl shows the preferred version, v1beta1, unless asked for v1alpha1's columns.
	for resource, columns := range map[string][]string{
		"mcpservers":                       {"ACCEPTED", "AVAILABLE", "VERIFIED", "ADDRESS"},
		"mcpservers.v1beta1.mcp.x-k8s.io":  {"ACCEPTED", "AVAILABLE", "VERIFIED", "ADDRESS"},
		"mcpservers.v1alpha1.mcp.x-k8s.io": {"READY", "ACCEPTED", "ADDRESS"},
	} {
		out := kubectl(t, "get", resource, "-n", "default", "openshift-mcp-server", "upstream-v1beta1")
		if warning := "Warning: mcp.x-k8s.io/v1alpha1 MCPServer is deprecated; use mcp.x-k8s.io/v1beta1"; strings.Contains(resource, "v1alpha1") != strings.Contains(out, warning) {
			t.Errorf("kubectl get %s: the deprecation warning is wrong:\n%s", resource, out)
		}
		if _, rest, found := strings.Cut(out, "Warning: "); found {
			_, out, _ = strings.Cut(rest, "\n")
		}
		header, row, _ := strings.Cut(out, "\n")
		if strings.Contains(resource, "v1beta1") || resource == "mcpservers" {
			if strings.Contains(header, "READY") {
				t.Errorf("kubectl get %s shows v1alpha1's READY column:\n%s", resource, out)
			}
		}
		for _, want := range columns {
			if !strings.Contains(header, want) {
				t.Errorf("kubectl get %s has no %s column:\n%s", resource, want, out)
			}
		}
		for _, want := range []string{"openshift-mcp-server", "upstream-v1beta1", "True", "http://openshift-mcp-server.default.svc.cluster.local:8080/mcp",
			"http://upstream-v1beta1.default.svc.cluster.local:8080/mcp"} {
			if !strings.Contains(row, want) {
				t.Errorf("kubectl get %s does not show %q:\n%s", resource, want, out)
			}
		}
		if strings.Contains(row, "False") || strings.Contains(row, "Unknown") {
			t.Errorf("kubectl get %s shows a condition that is not True:\n%s", resource, out)
		}
	}
}

// Scenario 2: a missing ConfigMap stops the rollout with a message that names it; creating it
// lets the server converge without anyone touching the MCPServer.
func TestMissingConfigMap(t *testing.T) {
	ns := newNamespace(t)
	standIn := startSample(t, "late-config", "")
	startOperator(t, "operator", resolve(ns, "late-config", 8080, standIn.addr))
	newServer(t, ns, "late-config", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Storage = []mcpv1beta1.StorageMount{{Path: "/etc/mcp-config", Source: mcpv1beta1.StorageSource{
			Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "server-config"}}}}}
	})
	got := waitForCondition(t, key(ns, "late-config"), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	if msg := conditionOf(got, mcpv1beta1.ConditionAccepted).Message; !strings.Contains(msg, `ConfigMap "server-config" not found`) {
		t.Errorf("Accepted message %q", msg)
	}
	if err := k8s.Get(context.Background(), key(ns, "late-config"), &appsv1.Deployment{}); !apierrors.IsNotFound(err) {
		t.Fatalf("a Deployment exists for a server whose ConfigMap is missing (err %v)", err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "server-config", Namespace: ns}, Data: map[string]string{"config.toml": "x = 1"}}
	if err := k8s.Create(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	waitForCondition(t, key(ns, "late-config"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
}

// Scenario 3: editing the referenced ConfigMap rolls the pods through a new ReplicaSet.
func TestConfigMapEditRollsPods(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	standIn := startSample(t, "rolling", "")
	startOperator(t, "operator", resolve(ns, "rolling", 8080, standIn.addr))
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: ns}, Data: map[string]string{"config.toml": "log_level = 1"}}
	if err := k8s.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	newServer(t, ns, "rolling", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Storage = []mcpv1beta1.StorageMount{{Path: "/etc/cfg", Source: mcpv1beta1.StorageSource{
			Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}}
	})
	waitForCondition(t, key(ns, "rolling"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	first := ownedReplicaSets(t, ns, "rolling")
	if len(first) != 1 {
		t.Fatalf("%d ReplicaSets before the edit, want 1", len(first))
	}
	cm.Data["config.toml"] = "log_level = 5"
	if err := k8s.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "a new ReplicaSet with the new pods, the old one scaled down", func() (bool, string) {
		rss := ownedReplicaSets(t, ns, "rolling")
		var summary []string
		newReady, oldEmpty := false, false
		for _, rs := range rss {
			summary = append(summary, fmt.Sprintf("%s=%d/%d", rs.Name, rs.Status.ReadyReplicas, ptr.Deref(rs.Spec.Replicas, 0)))
			if rs.Name == first[0].Name {
				oldEmpty = ptr.Deref(rs.Spec.Replicas, 0) == 0
			} else {
				newReady = rs.Status.ReadyReplicas == 1
			}
		}
		return len(rss) == 2 && newReady && oldEmpty, strings.Join(summary, " ")
	})
	waitForCondition(t, key(ns, "rolling"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
}

// Scenario 4: scale to zero (a healthy state) and back.
func TestScaleToZeroAndBack(t *testing.T) {
	ns := newNamespace(t)
	standIn := startSample(t, "sleeper", "")
	startOperator(t, "operator", resolve(ns, "sleeper", 8080, standIn.addr))
	s := newServer(t, ns, "sleeper", nil)
	waitForCondition(t, key(ns, "sleeper"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	setReplicas(t, s, ptr.To[int32](0))
	waitForCondition(t, key(ns, "sleeper"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonScaledToZero)
	check.Eventually(t, timeout, "no pods left", func() (bool, string) {
		n := len(runningPods(t, ns, "sleeper"))
		return n == 0, fmt.Sprint(n, " running")
	})

	setReplicas(t, s, nil)
	waitForCondition(t, key(ns, "sleeper"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	if n := len(runningPods(t, ns, "sleeper")); n != 1 {
		t.Errorf("%d running pods after scaling back, want 1", n)
	}
}

func setReplicas(t *testing.T, s *mcpv1beta1.MCPServer, replicas *int32) {
	t.Helper()
	patch := []byte(`{"spec":{"runtime":null}}`)
	if replicas != nil {
		patch = []byte(fmt.Sprintf(`{"spec":{"runtime":{"replicas":%d}}}`, *replicas))
	}
	if err := k8s.Patch(context.Background(), s, client.RawPatch("application/merge-patch+json", patch)); err != nil {
		t.Fatal(err)
	}
}

// Scenario 5: deleting the MCPServer removes its Deployment, Service and NetworkPolicy, through
// the garbage collector.
func TestDeleteRemovesOwnedObjects(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	startOperator(t, "operator")
	s := newServer(t, ns, "doomed", nil)
	waitForCondition(t, key(ns, "doomed"), mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid)
	check.Eventually(t, timeout, "the Deployment's pods", func() (bool, string) {
		return len(runningPods(t, ns, "doomed")) == 1, ""
	})
	if err := k8s.Delete(ctx, s); err != nil {
		t.Fatal(err)
	}
	for _, obj := range []client.Object{&appsv1.Deployment{}, &corev1.Service{}, &networkingv1.NetworkPolicy{}} {
		check.Eventually(t, timeout, fmt.Sprintf("%T removed by the garbage collector", obj), func() (bool, string) {
			err := k8s.Get(ctx, key(ns, "doomed"), obj)
			return apierrors.IsNotFound(err), fmt.Sprint(err)
		})
	}
	check.Eventually(t, timeout, "its pods gone", func() (bool, string) {
		return len(runningPods(t, ns, "doomed")) == 0, ""
	})
}

// Scenario 6: the operator killed (SIGKILL) in the middle of rolling out several servers, then
// restarted, converges, with exactly one of each object per server and nothing orphaned.
func TestOperatorKilledMidRollout(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	standIn := startSample(t, "fleet", "")
	names := []string{"fleet-a", "fleet-b", "fleet-c", "fleet-d"}
	var resolves []string
	for _, n := range names {
		resolves = append(resolves, resolve(ns, n, 8080, standIn.addr))
	}
	first := startOperator(t, "first", resolves...)
	for _, n := range names {
		newServer(t, ns, n, nil)
	}
	check.Eventually(t, timeout, "the first Deployment", func() (bool, string) {
		list := &appsv1.DeploymentList{}
		_ = k8s.List(ctx, list, client.InNamespace(ns))
		return len(list.Items) > 0, ""
	})
	first.proc.Kill()

	startOperator(t, "second", resolves...)
	for _, n := range names {
		waitForCondition(t, key(ns, n), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	}
	counts := map[string]int{}
	for kind, list := range map[string]client.ObjectList{
		"Deployment": &appsv1.DeploymentList{}, "Service": &corev1.ServiceList{}, "NetworkPolicy": &networkingv1.NetworkPolicyList{},
	} {
		if err := k8s.List(ctx, list, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		items, err := apimeta.ExtractList(list)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range items {
			obj := item.(client.Object)
			ref := metav1.GetControllerOf(obj)
			if ref == nil || ref.Kind != "MCPServer" || ref.Name != obj.GetName() {
				t.Errorf("%s %s is not controlled by its MCPServer: %+v", kind, obj.GetName(), ref)
			}
			counts[kind]++
		}
	}
	for _, kind := range []string{"Deployment", "Service", "NetworkPolicy"} {
		if counts[kind] != len(names) {
			t.Errorf("%d %ss, want %d", counts[kind], kind, len(names))
		}
	}
	for _, n := range names {
		if rs := ownedReplicaSets(t, ns, n); len(rs) != 1 {
			t.Errorf("Deployment %s has %d ReplicaSets, want 1", n, len(rs))
		}
	}
}

// Scenario 7: the MCP server process killed makes the server not Ready within the
// re-verification interval; started again, it is Ready again.
func TestMCPServerProcessKilledAndRestarted(t *testing.T) {
	ns := newNamespace(t)
	standIn := startSample(t, "fragile", "")
	startOperator(t, "operator", resolve(ns, "fragile", 8080, standIn.addr))
	newServer(t, ns, "fragile", nil)
	waitForCondition(t, key(ns, "fragile"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	standIn.proc.Kill()
	start := time.Now()
	got := waitForCondition(t, key(ns, "fragile"), mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1alpha1.ReasonMCPEndpointUnavailable)
	// One re-verification interval (+10% jitter), one handshake, and the status write.
	if took, limit := time.Since(start), reverifyInterval*11/10+5*time.Second; took > limit {
		t.Errorf("Ready turned False after %s, more than %s", took, limit)
	}
	if msg := conditionOf(got, mcpv1alpha1.ConditionReady).Message; !strings.Contains(msg, "connection refused") {
		t.Errorf("Ready message %q", msg)
	}

	startSample(t, "fragile", standIn.addr)
	waitForCondition(t, key(ns, "fragile"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
}

// Scenario 8: two operator replicas with leader election: only the leader reconciles; killing
// it hands over to the other, which carries on.
func TestLeaderElectionHandover(t *testing.T) {
	ns := newNamespace(t)
	standIn := startSample(t, "led", "")
	resolves := []string{resolve(ns, "led-before", 8080, standIn.addr), resolve(ns, "led-after", 8080, standIn.addr)}
	a := startOperator(t, "a", resolves...)
	b := startOperator(t, "b", resolves...)
	newServer(t, ns, "led-before", nil)
	waitForCondition(t, key(ns, "led-before"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	leader, follower := a, b
	if leading(t, b) {
		leader, follower = b, a
	}
	if !leading(t, leader) || leading(t, follower) {
		t.Fatalf("want exactly one leader: a=%v b=%v", leading(t, a), leading(t, b))
	}
	if n := reconciles(t, follower); n != 0 {
		t.Errorf("the follower reconciled %v times", n)
	}
	if n := reconciles(t, leader); n == 0 {
		t.Error("the leader reconciled nothing")
	}

	leader.proc.Kill()
	start := time.Now()
	newServer(t, ns, "led-after", nil)
	waitForCondition(t, key(ns, "led-after"), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	t.Logf("the follower took over and made a new server Ready %s after the leader was killed", time.Since(start).Round(time.Second))
	if !leading(t, follower) {
		t.Error("the follower does not lead after the leader died")
	}
}

// leading reads the operator's leader election metric.
func leading(t *testing.T, op *operator) bool {
	t.Helper()
	return metric(t, op, "leader_election_master_status") == 1
}

// reconciles reads how many MCPServer reconciles the operator ran.
func reconciles(t *testing.T, op *operator) float64 {
	t.Helper()
	return metric(t, op, `controller_runtime_reconcile_total{controller="mcpserver"`)
}

// metric sums the samples of the operator's metrics whose line starts with prefix.
func metric(t *testing.T, op *operator, prefix string) float64 {
	t.Helper()
	var body string
	check.Eventually(t, 30*time.Second, "the operator's metrics", func() (bool, string) {
		resp, err := http.Get("http://" + op.metricsAddr + "/metrics")
		if err != nil {
			return false, err.Error()
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		body = string(raw)
		return resp.StatusCode == http.StatusOK, resp.Status
	})
	var sum float64
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		var v float64
		if _, err := fmt.Sscan(line[strings.LastIndex(line, " ")+1:], &v); err == nil {
			sum += v
		}
	}
	return sum
}

func conditionOf(s *mcpv1beta1.MCPServer, condType string) metav1.Condition {
	if c := check.Condition(s.Status.Conditions, condType); c != nil {
		return *c
	}
	return metav1.Condition{}
}

// TestWatchNamespaces: with OLM's WATCH_NAMESPACE naming two namespaces, the operator serves
// MCPServers there and leaves a third namespace alone.
func TestWatchNamespaces(t *testing.T) {
	ctx := context.Background()
	a, b, c := newNamespace(t), newNamespace(t), newNamespace(t)
	startOperatorWithEnv(t, "scoped", []string{"WATCH_NAMESPACE=" + a + "," + b})
	for _, ns := range []string{c, a, b} {
		newServer(t, ns, "scoped", nil)
	}
	for _, ns := range []string{a, b} {
		waitForCondition(t, key(ns, "scoped"), mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid)
	}
	// The server in c was created first; a and b are done, so c would be too if it were served.
	ignored := &mcpv1beta1.MCPServer{}
	if err := k8s.Get(ctx, key(c, "scoped"), ignored); err != nil {
		t.Fatal(err)
	}
	if len(ignored.Status.Conditions) != 0 {
		t.Errorf("the MCPServer outside WATCH_NAMESPACE has status %+v", ignored.Status.Conditions)
	}
	if err := k8s.Get(ctx, key(c, "scoped"), &appsv1.Deployment{}); !apierrors.IsNotFound(err) {
		t.Errorf("a Deployment exists outside WATCH_NAMESPACE (err %v)", err)
	}
}

// TestRouteAPIPresentAtStartup: on a cluster that serves Routes when the operator starts (as
// OpenShift does), a requested Route is created and watched from the first reconcile.
func TestRouteAPIPresentAtStartup(t *testing.T) {
	ctx := context.Background()
	path, err := testenv.RouteCRDPath()
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range check.ReadManifests(t, path) {
		if err := k8s.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	check.Eventually(t, timeout, "the Route API served", func() (bool, string) {
		err := k8s.List(ctx, &routev1.RouteList{})
		return err == nil, fmt.Sprint(err)
	})
	ns := newNamespace(t)
	startOperator(t, "operator")
	newServer(t, ns, "public", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Expose = &mcpv1beta1.ExposeConfig{Route: &mcpv1beta1.RouteExposure{}}
	})
	waitForCondition(t, key(ns, "public"), mcpv1beta1.ConditionExposed, metav1.ConditionUnknown, mcpv1beta1.ReasonRoutePending)
	route := &routev1.Route{}
	if err := k8s.Get(ctx, key(ns, "public"), route); err != nil {
		t.Fatalf("no Route: %v", err)
	}
	if route.Spec.TLS == nil || route.Spec.TLS.Termination != routev1.TLSTerminationEdge {
		t.Errorf("Route TLS %+v, want edge termination by default", route.Spec.TLS)
	}
}

// podCondition returns the pod's condition of the type, nil when it has none.
func podCondition(p corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}
