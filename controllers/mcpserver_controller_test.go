// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestCustomerExample applies the customer's manifest verbatim and checks every promise about
// the Deployment and Service, then plays the Deployment controller and an MCP server to see it
// become Ready at its address.
func TestCustomerExample(t *testing.T) {
	ctx := context.Background()
	for _, doc := range check.ReadManifests(t, filepath.Join(testenv.RepoRoot(), "config", "samples", "openshift-mcp-server.yaml")) {
		if err := k8s.Create(ctx, doc); err != nil {
			t.Fatalf("creating %s %s: %v", doc.GetKind(), doc.GetName(), err)
		}
		t.Cleanup(func() { _ = k8s.Delete(context.Background(), doc) })
	}
	k := types.NamespacedName{Namespace: "default", Name: "openshift-mcp-server"}

	server := waitForCondition(t, k, mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid)
	dep := waitForDeployment(t, k)
	owner := metav1.OwnerReference{
		APIVersion: "mcp.x-k8s.io/v1beta1", Kind: "MCPServer", Name: k.Name, UID: server.UID,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
	labels := map[string]string{"app": "mcp-server", "mcp-server": "openshift-mcp-server"}
	selector := map[string]string{"mcp-server": "openshift-mcp-server"}

	if diff := cmp.Diff([]metav1.OwnerReference{owner}, dep.OwnerReferences); diff != "" {
		t.Errorf("Deployment owner references (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(labels, dep.Labels); diff != "" {
		t.Errorf("Deployment labels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(selector, dep.Spec.Selector.MatchLabels); diff != "" {
		t.Errorf("Deployment selector (-want +got):\n%s", diff)
	}
	if got := ptr.Deref(dep.Spec.Replicas, 0); got != 1 {
		t.Errorf("replicas %d, want 1", got)
	}
	pod := dep.Spec.Template
	if diff := cmp.Diff(labels, pod.Labels); diff != "" {
		t.Errorf("pod labels (-want +got):\n%s", diff)
	}
	if pod.Annotations["mcp.x-k8s.io/config-hash"] == "" {
		t.Error("the pod template has no config hash, so a config.toml change would not roll the pods")
	}
	if pod.Spec.ServiceAccountName != "mcp-viewer" {
		t.Errorf("service account %q, want mcp-viewer", pod.Spec.ServiceAccountName)
	}
	wantPodSecurity := &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	if diff := cmp.Diff(wantPodSecurity, pod.Spec.SecurityContext); diff != "" {
		t.Errorf("pod security context (-want +got):\n%s", diff)
	}
	wantVolumes := []corev1.Volume{{Name: "vol-0", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
		LocalObjectReference: corev1.LocalObjectReference{Name: "openshift-mcp-server-config"}, DefaultMode: ptr.To[int32](0o644),
	}}}}
	if diff := cmp.Diff(wantVolumes, pod.Spec.Volumes); diff != "" {
		t.Errorf("volumes (-want +got):\n%s", diff)
	}
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	checks := []struct {
		what      string
		want, got any
	}{
		{"container name", "mcp-server", c.Name},
		{"image", "quay.io/redhat-user-workloads/ocp-mcp-server-tenant/openshift-mcp-server-release-03:latest", c.Image},
		{"args", []string{"--config", "/etc/mcp-config/config.toml"}, c.Args},
		{"ports", []corev1.ContainerPort{{Name: "mcp", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}, c.Ports},
		{"security context", &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true), RunAsNonRoot: ptr.To(true),
			Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		}, c.SecurityContext},
		{"readiness probe handler", corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(8080)}}, c.ReadinessProbe.ProbeHandler},
		{"volume mounts", []corev1.VolumeMount{{Name: "vol-0", MountPath: "/etc/mcp-config", ReadOnly: true}}, c.VolumeMounts},
	}
	for _, check := range checks {
		if diff := cmp.Diff(check.want, check.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", check.what, diff)
		}
	}

	svc := &corev1.Service{}
	if err := k8s.Get(ctx, k, svc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]metav1.OwnerReference{owner}, svc.OwnerReferences); diff != "" {
		t.Errorf("Service owner references (-want +got):\n%s", diff)
	}
	wantPorts := []corev1.ServicePort{{Name: "mcp", Port: 8080, TargetPort: intstr.FromString("mcp"), Protocol: corev1.ProtocolTCP}}
	if diff := cmp.Diff(wantPorts, svc.Spec.Ports); diff != "" {
		t.Errorf("Service ports (-want +got):\n%s", diff)
	}
	if svc.Spec.Type != corev1.ServiceTypeClusterIP || svc.Spec.SessionAffinity != corev1.ServiceAffinityClientIP {
		t.Errorf("Service type %s affinity %s, want ClusterIP with ClientIP affinity", svc.Spec.Type, svc.Spec.SessionAffinity)
	}
	if diff := cmp.Diff(selector, svc.Spec.Selector); diff != "" {
		t.Errorf("Service selector (-want +got):\n%s", diff)
	}

	wantURL := "http://openshift-mcp-server.default.svc." + clusterDomain + ":8080/mcp"
	server = waitForCondition(t, k, mcpv1alpha1.ConditionReady, metav1.ConditionUnknown, mcpv1beta1.ReasonInitializing)
	if server.Status.Address != nil {
		t.Errorf("address %+v published before the server was verified", server.Status.Address)
	}
	if server.Status.DeploymentName != k.Name || server.Status.ServiceName != k.Name {
		t.Errorf("deploymentName %q serviceName %q", server.Status.DeploymentName, server.Status.ServiceName)
	}

	startMCPServerFor(t, server, mcptest.ServerOptions{Name: "kubernetes-mcp-server", Version: "0.0.50", Tools: []string{"pods_list", "namespaces_list"}})
	makeAvailable(t, k)
	server = waitForCondition(t, k, mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	if server.Status.Address == nil || server.Status.Address.URL != wantURL {
		t.Errorf("address %+v, want %s", server.Status.Address, wantURL)
	}
	if server.Status.Phase != mcpv1beta1.PhaseAvailable {
		t.Errorf("phase %q, want Available", server.Status.Phase)
	}
	if info := server.Status.ServerInfo; info == nil || info.Name != "kubernetes-mcp-server" || info.Version != "0.0.50" || !info.Capabilities.Tools {
		t.Errorf("serverInfo %+v", info)
	}
	if tools := server.Status.Tools; tools == nil || tools.Count != 2 || strings.Join(tools.Names, ",") != "namespaces_list,pods_list" {
		t.Errorf("tools %+v", tools)
	}
	if server.Status.Replicas != 1 || server.Status.ReadyReplicas != 1 {
		t.Errorf("replicas %d ready %d", server.Status.Replicas, server.Status.ReadyReplicas)
	}
}

// TestCustomerExamplePodsPassRestrictedPodSecurity creates a pod from the Deployment rendered for
// the customer's example in a namespace that enforces the restricted Pod Security Standard.
func TestCustomerExamplePodsPassRestrictedPodSecurity(t *testing.T) {
	ctx := context.Background()
	src := newNamespace(t)
	var server *mcpv1beta1.MCPServer
	for _, doc := range check.ReadManifests(t, filepath.Join(testenv.RepoRoot(), "config", "samples", "openshift-mcp-server.yaml")) {
		if doc.GetKind() == "ClusterRoleBinding" {
			continue
		}
		doc.SetNamespace(src)
		if err := k8s.Create(ctx, doc); err != nil {
			t.Fatal(err)
		}
		if doc.GetKind() == "MCPServer" {
			server = &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: doc.GetName(), Namespace: src}}
		}
	}
	dep := waitForDeployment(t, key(server))

	restricted := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "restricted-", Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/warn":    "restricted",
		"pod-security.kubernetes.io/audit":   "restricted",
	}}}
	if err := k8s.Create(ctx, restricted); err != nil {
		t.Fatal(err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "mcp-viewer", Namespace: restricted.Name}}
	if err := k8s.Create(ctx, sa); err != nil {
		t.Fatal(err)
	}
	warnings := &warningCollector{}
	cfg := rest.CopyConfig(env.Config)
	cfg.WarningHandler = warnings
	c, err := client.New(cfg, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "from-template", Namespace: restricted.Name}, Spec: dep.Spec.Template.Spec}
	if err := c.Create(ctx, pod); err != nil {
		t.Fatalf("the restricted namespace rejected the pod: %v", err)
	}
	if len(warnings.got) > 0 {
		t.Errorf("PodSecurity warnings: %v", warnings.got)
	}
}

type warningCollector struct{ got []string }

func (w *warningCollector) HandleWarningHeader(_ int, _ string, text string) {
	w.got = append(w.got, text)
}

// TestMissingConfigMapBlocksRolloutUntilCreated: a missing ConfigMap gives Accepted=False
// naming it and where it is used, a Warning event, Ready=False/ConfigurationInvalid, and no
// Deployment; creating the ConfigMap makes it converge without touching the MCPServer.
func TestMissingConfigMapBlocksRolloutUntilCreated(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "needs-config", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Storage = []mcpv1beta1.StorageMount{{Path: "/etc/mcp-config", Source: mcpv1beta1.StorageSource{
			Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "server-config"}},
		}}}
	})
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	want := `ConfigMap "server-config" not found (referenced by spec.config.storage[0] (mounted at /etc/mcp-config))`
	if msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message; !strings.Contains(msg, want) {
		t.Errorf("Accepted message %q does not say %q", msg, want)
	}
	waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1beta1.ReasonConfigurationInvalid)
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, mcpv1beta1.ReasonInvalid, `ConfigMap "server-config" not found`)
	requireAbsent(t, &appsv1.Deployment{}, key(s))

	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "server-config", Namespace: ns}, Data: map[string]string{"config.toml": "port = 8080"}}
	if err := k8s.Create(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid)
	waitForDeployment(t, key(s))
}

// TestMissingServiceAccountBlocksRollout: pods cannot run as a ServiceAccount that does not exist
// in the server's namespace, so nothing is rolled out until it does; one of the same name in
// another namespace does not count.
func TestMissingServiceAccountBlocksRollout(t *testing.T) {
	ctx := context.Background()
	ns, elsewhere := newNamespace(t), newNamespace(t)
	if err := k8s.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "runner", Namespace: elsewhere}}); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, ns, "needs-account", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Runtime.Security.ServiceAccountName = "runner"
	})
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	want := `ServiceAccount "runner" not found (referenced by spec.runtime.security.serviceAccountName)`
	if msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message; !strings.Contains(msg, want) {
		t.Errorf("Accepted message %q does not say %q", msg, want)
	}
	requireAbsent(t, &appsv1.Deployment{}, key(s))

	if err := k8s.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "runner", Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid)
	if sa := waitForDeployment(t, key(s)).Spec.Template.Spec.ServiceAccountName; sa != "runner" {
		t.Errorf("the pods run as %q, want runner", sa)
	}
}

// TestReferencesStayInTheServersNamespace: a ConfigMap or Secret of the same name in another
// namespace does not satisfy a reference. Whoever can create MCPServers in one namespace cannot
// make the operator read, digest or mount anything of another.
func TestReferencesStayInTheServersNamespace(t *testing.T) {
	ctx := context.Background()
	ns, elsewhere := newNamespace(t), newNamespace(t)
	for _, obj := range []client.Object{
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: elsewhere}, Data: map[string]string{"k": "v"}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "credentials", Namespace: elsewhere}, Data: map[string][]byte{"token": []byte("x")}},
	} {
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	s := newServer(t, ns, "reaches-out", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Env = []corev1.EnvVar{{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "credentials"}, Key: "token"}}}}
		s.Spec.Config.Storage = []mcpv1beta1.StorageMount{{Path: "/etc/settings", Source: mcpv1beta1.StorageSource{
			Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}}}}
	})
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message
	for _, want := range []string{`ConfigMap "settings" not found`, `Secret "credentials" not found`} {
		if !strings.Contains(msg, want) {
			t.Errorf("Accepted message %q does not say %q", msg, want)
		}
	}
	requireAbsent(t, &appsv1.Deployment{}, key(s))
	requireAbsent(t, &appsv1.Deployment{}, types.NamespacedName{Namespace: elsewhere, Name: s.Name})
}

// TestMissingReferencesAreNamed covers env and envFrom references, a missing key, and optional
// references (which do not block).
func TestMissingReferencesAreNamed(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "token", Namespace: ns}, Data: map[string][]byte{"other": []byte("x")}}
	if err := k8s.Create(ctx, secret); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, ns, "refs", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Env = []corev1.EnvVar{
			{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "token"}, Key: "token"}}},
			{Name: "OPTIONAL", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "absent-but-optional"}, Key: "k", Optional: ptr.To(true)}}},
		}
		s.Spec.Config.EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "extra-env"}}}}
	})
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message
	for _, want := range []string{
		`Secret "extra-env" not found (referenced by spec.config.envFrom[0].secretRef)`,
		`Secret "token" has no key "token" (referenced by spec.config.env TOKEN (valueFrom.secretKeyRef))`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("Accepted message %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "absent-but-optional") {
		t.Errorf("an optional reference blocked the rollout: %s", msg)
	}
}

// TestConfigChangeRollsPods: editing the data of a referenced ConfigMap changes the pod
// template's config hash (which makes the Deployment roll its pods); a label-only change does not.
func TestConfigChangeRollsPods(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: ns}, Data: map[string]string{"config.toml": "log_level = 1"}}
	if err := k8s.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, ns, "rolls", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.Storage = []mcpv1beta1.StorageMount{{Path: "/etc/cfg", Source: mcpv1beta1.StorageSource{
			Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}},
		}}}
	})
	hash := func() string {
		return waitForDeployment(t, key(s)).Spec.Template.Annotations["mcp.x-k8s.io/config-hash"]
	}
	first := hash()
	if first == "" {
		t.Fatal("no config hash on the pod template")
	}
	cm.Data["config.toml"] = "log_level = 5"
	if err := k8s.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "a new config hash", func() (bool, string) {
		h := hash()
		return h != first && h != "", h
	})
}

// TestProbesAndSessionAffinity: a TCP readiness probe on the port by default, the user's probes
// when given; sessionAffinity None for stateless servers.
func TestProbesAndSessionAffinity(t *testing.T) {
	ns := newNamespace(t)
	dflt := newServer(t, ns, "default-probe", func(s *mcpv1beta1.MCPServer) { s.Spec.Config.Port = 9090 })
	custom := newServer(t, ns, "custom-probe", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Runtime.Health.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(9000)}}}
		s.Spec.Runtime.Health.LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/live", Port: intstr.FromInt32(9000)}}}
		s.Spec.MCP.Stateless = ptr.To(true)
	})

	c := waitForDeployment(t, key(dflt)).Spec.Template.Spec.Containers[0]
	if c.ReadinessProbe == nil || c.ReadinessProbe.TCPSocket == nil || c.ReadinessProbe.TCPSocket.Port.IntValue() != 9090 {
		t.Errorf("default readiness probe %+v, want TCP on 9090", c.ReadinessProbe)
	}
	if c.LivenessProbe != nil {
		t.Errorf("a liveness probe appeared unasked: %+v", c.LivenessProbe)
	}
	c = waitForDeployment(t, key(custom)).Spec.Template.Spec.Containers[0]
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/ready" || c.ReadinessProbe.TCPSocket != nil {
		t.Errorf("readiness probe %+v, want the user's HTTP probe only", c.ReadinessProbe)
	}
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/live" {
		t.Errorf("liveness probe %+v, want the user's", c.LivenessProbe)
	}

	svc := &corev1.Service{}
	check.Eventually(t, timeout, "the stateless server's Service", func() (bool, string) {
		err := k8s.Get(context.Background(), key(custom), svc)
		return err == nil, ""
	})
	if svc.Spec.SessionAffinity != corev1.ServiceAffinityNone {
		t.Errorf("stateless server's session affinity %s, want None", svc.Spec.SessionAffinity)
	}
}

// TestExtraLabelsAndAnnotations: extra labels and annotations reach the Deployment, pods and
// Service; the operator's own label keys and the reserved annotation prefix are protected, and
// an event says which annotations were ignored.
func TestExtraLabelsAndAnnotations(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "labelled", func(s *mcpv1beta1.MCPServer) {
		s.Spec.ExtraLabels = map[string]string{"team": "search", "app": "hijack", "mcp-server": "other"}
		s.Spec.ExtraAnnotations = map[string]string{"example.com/owner": "search-team", "mcp.x-k8s.io/config-hash": "forged"}
	})
	dep := waitForDeployment(t, key(s))
	svc := &corev1.Service{}
	if err := k8s.Get(context.Background(), key(s), svc); err != nil {
		t.Fatal(err)
	}
	for what, labels := range map[string]map[string]string{"Deployment": dep.Labels, "pod template": dep.Spec.Template.Labels, "Service": svc.Labels} {
		want := map[string]string{"team": "search", "app": "mcp-server", "mcp-server": "labelled"}
		if diff := cmp.Diff(want, labels); diff != "" {
			t.Errorf("%s labels (-want +got):\n%s", what, diff)
		}
	}
	for what, annotations := range map[string]map[string]string{"Deployment": dep.Annotations, "pod template": dep.Spec.Template.Annotations, "Service": svc.Annotations} {
		if annotations["example.com/owner"] != "search-team" {
			t.Errorf("%s lacks the extra annotation: %v", what, annotations)
		}
		if annotations["mcp.x-k8s.io/config-hash"] == "forged" {
			t.Errorf("%s took a reserved annotation from the user: %v", what, annotations)
		}
	}
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, "ReservedAnnotationsIgnored", "mcp.x-k8s.io/config-hash")
}

// TestScaleToZero: replicas 0 is a healthy state, Ready=True/ScaledToZero.
func TestScaleToZero(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "idle", func(s *mcpv1beta1.MCPServer) { s.Spec.Runtime.Replicas = ptr.To[int32](0) })
	if got := ptr.Deref(waitForDeployment(t, key(s)).Spec.Replicas, -1); got != 0 {
		t.Fatalf("Deployment replicas %d, want 0", got)
	}
	makeAvailable(t, key(s))
	waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonScaledToZero)
}

// TestNetworkPolicyAdmitsOnlyTheMCPPort checks the NetworkPolicy rendered for a server.
func TestNetworkPolicyAdmitsOnlyTheMCPPort(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "fenced", func(s *mcpv1beta1.MCPServer) { s.Spec.Config.Port = 7000 })
	np := &networkingv1.NetworkPolicy{}
	check.Eventually(t, timeout, "the NetworkPolicy", func() (bool, string) {
		err := k8s.Get(context.Background(), key(s), np)
		return err == nil, ""
	})
	want := networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"mcp-server": "fenced"}},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		Ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{
			Port: ptr.To(intstr.FromInt32(7000)), Protocol: ptr.To(corev1.ProtocolTCP),
		}}}},
	}
	if diff := cmp.Diff(want, np.Spec); diff != "" {
		t.Errorf("NetworkPolicy spec (-want +got):\n%s", diff)
	}
	if ref := metav1.GetControllerOf(np); ref == nil || ref.Kind != "MCPServer" || ref.Name != "fenced" {
		t.Errorf("NetworkPolicy controller %+v", ref)
	}
}

// TestForeignObjectIsNeverTakenOver: a Deployment of the same name that the operator does not own
// is left alone, and the MCPServer says why it cannot proceed.
func TestForeignObjectIsNeverTakenOver(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	foreign := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "taken", Namespace: ns, Labels: map[string]string{"owner": "someone-else"}},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "theirs"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "theirs"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "theirs", Image: "registry.example.com/theirs:1"}}},
			},
		},
	}
	if err := k8s.Create(ctx, foreign); err != nil {
		t.Fatal(err)
	}
	before := foreign.ResourceVersion
	s := newServer(t, ns, "taken", nil)
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	if msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message; !strings.Contains(msg, "Deployment "+ns+"/taken already exists and is not managed by this MCPServer") {
		t.Errorf("Accepted message %q does not explain the conflict", msg)
	}
	after := &appsv1.Deployment{}
	if err := k8s.Get(ctx, key(s), after); err != nil {
		t.Fatal(err)
	}
	if after.ResourceVersion != before || len(after.OwnerReferences) != 0 {
		t.Errorf("the foreign Deployment was modified: resourceVersion %s -> %s, owners %v", before, after.ResourceVersion, after.OwnerReferences)
	}
}

// TestUnchangedServerCausesNoWrites: once a server is settled, a reconcile triggered by an
// unrelated change makes no write to the API server.
func TestUnchangedServerCausesNoWrites(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: ns}, Data: map[string]string{"a": "b"}}
	if err := k8s.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, ns, "settled", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Config.EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}
	})
	startMCPServerFor(t, s, mcptest.ServerOptions{Name: "settled", Version: "1", Tools: []string{"t"}})
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	// The Ready event, which also notes that go-sdk servers advertise logging (deprecated by MCP
	// 2026-07-28), is written in the background; once it is visible, the server is settled.
	waitForEvent(t, ns, s.Name, corev1.EventTypeNormal, mcpv1beta1.ReasonAvailable, "Logging: it advertises the logging capability")
	before, _ := writes.in(ns)

	// A label on the referenced ConfigMap changes its metadata, not its data: the operator
	// reconciles the server and must find nothing to do.
	reconciles := metricSum(t, "controller_runtime_reconcile_total", "controller", "mcpserver")
	cm.Labels = map[string]string{"touched": "yes"}
	if err := k8s.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "the reconcile the ConfigMap label triggers", func() (bool, string) {
		return metricSum(t, "controller_runtime_reconcile_total", "controller", "mcpserver") > reconciles, ""
	})
	// Routine re-verifications (every second here) that find nothing new must not write either.
	handshakes := metricSum(t, "mcp_operator_handshake_duration_seconds", "outcome", "Ready")
	check.Eventually(t, timeout, "two more handshakes", func() (bool, string) {
		return metricSum(t, "mcp_operator_handshake_duration_seconds", "outcome", "Ready") >= handshakes+2, ""
	})
	if after, paths := writes.in(ns); after != before {
		t.Errorf("the operator wrote %d times for an unchanged server: %v", after-before, paths[before:])
	}
}

// TestSettledServerIsNotRenderedAgainButEditsAreRepaired: once a reconcile finds every object
// as rendered, reconciles for status-only changes skip rendering; an edit by someone else to
// any managed object (spec, metadata, another kind) is still noticed and undone.
func TestSettledServerIsNotRenderedAgainButEditsAreRepaired(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	s := newServer(t, ns, "memo", nil)
	startMCPServerFor(t, s, mcptest.ServerOptions{Name: "memo", Version: "1"})
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)

	// A status-only change of the Deployment: reconciled, not rendered.
	renders := metricSum(t, "mcp_operator_render_duration_seconds", "", "")
	reconciles := metricSum(t, "controller_runtime_reconcile_total", "controller", "mcpserver")
	d := &appsv1.Deployment{}
	if err := k8s.Get(ctx, key(s), d); err != nil {
		t.Fatal(err)
	}
	d.Status.Conditions[0].Message = "touched by the test"
	if err := k8s.Status().Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "the reconcile the Deployment's status triggers", func() (bool, string) {
		return metricSum(t, "controller_runtime_reconcile_total", "controller", "mcpserver") > reconciles, ""
	})
	if after := metricSum(t, "mcp_operator_render_duration_seconds", "", ""); after != renders {
		t.Errorf("a status-only change was rendered again (%v renders -> %v)", renders, after)
	}

	edits := []struct {
		what     string
		obj      client.Object
		edit     func(client.Object)
		repaired func(client.Object) (bool, string)
	}{
		{"a label the operator sets on the Deployment", &appsv1.Deployment{},
			func(o client.Object) { o.GetLabels()["mcp-server"] = "hijacked" },
			func(o client.Object) (bool, string) { v := o.GetLabels()["mcp-server"]; return v == "memo", v }},
		{"the Deployment's image", &appsv1.Deployment{},
			func(o client.Object) {
				o.(*appsv1.Deployment).Spec.Template.Spec.Containers[0].Image = "registry.example.com/other:1"
			},
			func(o client.Object) (bool, string) {
				img := o.(*appsv1.Deployment).Spec.Template.Spec.Containers[0].Image
				return img == "quay.io/example/mcp-server:1.0.0", img
			}},
		{"the Service's selector", &corev1.Service{},
			func(o client.Object) { o.(*corev1.Service).Spec.Selector["mcp-server"] = "elsewhere" },
			func(o client.Object) (bool, string) {
				sel := o.(*corev1.Service).Spec.Selector
				return sel["mcp-server"] == "memo", fmt.Sprint(sel)
			}},
	}
	for _, e := range edits {
		if err := k8s.Get(ctx, key(s), e.obj); err != nil {
			t.Fatal(err)
		}
		e.edit(e.obj)
		if err := k8s.Update(ctx, e.obj); err != nil {
			t.Fatalf("editing %s: %v", e.what, err)
		}
		check.Eventually(t, timeout, e.what+" repaired", func() (bool, string) {
			if err := k8s.Get(ctx, key(s), e.obj); err != nil {
				return false, err.Error()
			}
			return e.repaired(e.obj)
		})
	}
}

// TestSpecAtSchemaLimits: a spec at every limit the schema allows renders and applies.
func TestSpecAtSchemaLimits(t *testing.T) {
	ns := newNamespace(t)
	image := "registry.example.com/" + strings.Repeat("a", 1000-len("registry.example.com/")-len(":1")) + ":1"
	s := newServer(t, ns, "at-the-limits", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Source.ContainerImage.Ref = image
		for i := range 64 {
			s.Spec.Config.Storage = append(s.Spec.Config.Storage, mcpv1beta1.StorageMount{
				Path:   fmt.Sprintf("/mnt/%02d/%s", i, strings.Repeat("p", 200)),
				Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeEmptyDir, EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		}
		s.Spec.ExtraLabels = map[string]string{}
		s.Spec.ExtraAnnotations = map[string]string{}
		for i := range 20 {
			s.Spec.ExtraLabels[fmt.Sprintf("example.com/label-%02d", i)] = strings.Repeat("v", 63)
			s.Spec.ExtraAnnotations[fmt.Sprintf("example.com/note-%02d", i)] = strings.Repeat("n", 4096)
		}
		for i := range 200 {
			s.Spec.Config.Env = append(s.Spec.Config.Env, corev1.EnvVar{Name: fmt.Sprintf("VAR_%03d", i), Value: strings.Repeat("e", 500)})
			s.Spec.Config.Arguments = append(s.Spec.Config.Arguments, fmt.Sprintf("--flag-%03d=%s", i, strings.Repeat("x", 100)))
		}
	})
	waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid)
	d := waitForDeployment(t, key(s))
	c := d.Spec.Template.Spec.Containers[0]
	if c.Image != image || len(c.VolumeMounts) != 64 || len(c.Env) != 200 || len(c.Args) != 200 || d.Labels["example.com/label-19"] == "" {
		t.Errorf("the Deployment lost part of the spec: image %d chars, %d mounts, %d env, %d args, labels %d",
			len(c.Image), len(c.VolumeMounts), len(c.Env), len(c.Args), len(d.Labels))
	}
}

// TestSpecTheClusterRejectsIsReported: a spec the MCPServer schema accepts but whose objects the
// API server rejects (a label value longer than 63 characters) is reported in Accepted and an
// event, with the API server's words, instead of failing silently in a retry loop.
func TestSpecTheClusterRejectsIsReported(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "bad-label", func(s *mcpv1beta1.MCPServer) {
		s.Spec.ExtraLabels = map[string]string{"team": strings.Repeat("x", 64)}
	})
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message
	if !strings.Contains(msg, "rejected") || !strings.Contains(msg, "must be no more than 63") {
		t.Errorf("Accepted message %q does not pass on the API server's reason", msg)
	}
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, mcpv1beta1.ReasonInvalid, "must be no more than 63")

	// Fixing the spec clears it.
	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		fixed := getServer(t, key(s))
		fixed.Spec.ExtraLabels["team"] = "platform"
		return k8s.Update(context.Background(), fixed)
	}); err != nil {
		t.Fatal(err)
	}
	waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid)
	waitForDeployment(t, key(s))
}

// TestBadNetworkCIDRIsNotAccepted: what the CRD cannot check in spec.network (a CIDR that does
// not parse, an exception outside its CIDR) gives Accepted=False with the field path and a
// Warning event, and nothing is rolled out; the fixed spec converges, with the peers in the
// server's NetworkPolicy.
func TestBadNetworkCIDRIsNotAccepted(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "bad-cidr", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Network = &mcpv1beta1.NetworkConfig{EgressTo: []networkingv1.NetworkPolicyPeer{
			{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/33"}},
			{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"192.168.0.0/16"}}},
		}}
	})
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message
	for _, want := range []string{`network.egressTo[0].ipBlock.cidr: "10.0.0.0/33" is not a CIDR`,
		"network.egressTo[1].ipBlock.except[0]: 192.168.0.0/16 does not lie within the cidr 10.0.0.0/8"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Accepted message %q does not say %q", msg, want)
		}
	}
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, mcpv1beta1.ReasonInvalid, "network.egressTo[0].ipBlock.cidr")
	requireAbsent(t, &appsv1.Deployment{}, key(s))

	current := getServer(t, key(s))
	patch := client.MergeFrom(current.DeepCopy())
	current.Spec.Network.EgressTo = []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"10.1.0.0/16"}}}}
	if err := k8s.Patch(context.Background(), current, patch); err != nil {
		t.Fatal(err)
	}
	waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid)
	np := &networkingv1.NetworkPolicy{}
	check.Eventually(t, timeout, "the NetworkPolicy with the egress peer", func() (bool, string) {
		if err := k8s.Get(context.Background(), key(s), np); err != nil {
			return false, err.Error()
		}
		return len(np.Spec.Egress) == 2 && len(np.Spec.Egress[1].To) == 1 && np.Spec.Egress[1].To[0].IPBlock != nil, fmt.Sprint(np.Spec.Egress)
	})
}

// TestStatusSaysWhetherTheNetworkIsRestricted: a server whose spec says nothing is
// NetworkPolicyRestricted=False (any pod may reach it); with ingressFrom its policy admits those
// peers and the operator (which the handshake needs), and the condition is True.
func TestStatusSaysWhetherTheNetworkIsRestricted(t *testing.T) {
	ns := newNamespace(t)
	open := newServer(t, ns, "open", nil)
	got := waitForCondition(t, key(open), mcpv1beta1.ConditionNetworkPolicyRestricted, metav1.ConditionFalse, mcpv1beta1.ReasonNetworkUnrestricted)
	if msg := condition(t, got, mcpv1beta1.ConditionNetworkPolicyRestricted).Message; !strings.Contains(msg, "any pod may reach the server's port") {
		t.Errorf("message %q", msg)
	}

	clients := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"role": "client"}}}
	closed := newServer(t, ns, "closed", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Network = &mcpv1beta1.NetworkConfig{IngressFrom: []networkingv1.NetworkPolicyPeer{clients},
			EgressPorts: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromInt32(443))}}}
	})
	got = waitForCondition(t, key(closed), mcpv1beta1.ConditionNetworkPolicyRestricted, metav1.ConditionTrue, mcpv1beta1.ReasonNetworkRestricted)
	msg := condition(t, got, mcpv1beta1.ConditionNetworkPolicyRestricted).Message
	for _, want := range []string{"only the 2 peers", "the operator among them", "only to DNS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	np := &networkingv1.NetworkPolicy{}
	if err := k8s.Get(context.Background(), key(closed), np); err != nil {
		t.Fatal(err)
	}
	from := np.Spec.Ingress[0].From
	if len(from) != 2 || from[1].NamespaceSelector == nil || from[1].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != operatorNamespace {
		t.Errorf("ingress from %+v: want the client peer, then the operator's namespace %s", from, operatorNamespace)
	}
}
