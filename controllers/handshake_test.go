// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// TestReadyFollowsTheMCPEndpoint: Ready only while the server answers MCP. Stopped, it turns
// False at the next re-verification; started again (late, nobody touching the MCPServer), it
// turns True; a changed tool set shows in status with a ToolsChanged event.
func TestReadyFollowsTheMCPEndpoint(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "flaky", nil)
	opts := mcptest.ServerOptions{Name: "flaky", Version: "1.0.0", Tools: []string{"a", "b"}}
	mcp := startMCPServerFor(t, s, opts)
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	got := waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	if got.Status.Tools == nil || got.Status.Tools.Count != 2 || got.Status.HandshakeRetryCount != 0 {
		t.Fatalf("tools %+v retries %d", got.Status.Tools, got.Status.HandshakeRetryCount)
	}

	mcp.Stop()
	got = waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1alpha1.ReasonMCPEndpointUnavailable)
	if msg := condition(t, got, mcpv1alpha1.ConditionReady).Message; !strings.Contains(msg, "connection refused") {
		t.Errorf("Ready message %q does not say the connection was refused", msg)
	}
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, mcpv1alpha1.ReasonMCPEndpointUnavailable, "connection refused")
	check.Eventually(t, timeout, "retries counted", func() (bool, string) {
		n := getServer(t, key(s)).Status.HandshakeRetryCount
		return n >= 2, itoa(n)
	})

	restarted, err := mcptest.StartOn(mcp.Addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(restarted.Stop)
	got = waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	if got.Status.HandshakeRetryCount != 0 {
		t.Errorf("retry count %d after success, want 0", got.Status.HandshakeRetryCount)
	}

	restarted.SetTools([]string{"a", "b", "c"})
	check.Eventually(t, timeout, "the new tool set in status", func() (bool, string) {
		tools := getServer(t, key(s)).Status.Tools
		return tools != nil && tools.Count == 3, toString(tools)
	})
	waitForEvent(t, ns, s.Name, corev1.EventTypeNormal, "ToolsChanged", "3 tools now (2 before)")
}

// TestAuthenticationRequiredIsReady: a 401 with MCP's Bearer challenge proves an MCP server.
func TestAuthenticationRequiredIsReady(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "guarded", nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="https://guarded.example.com/.well-known/oauth-protected-resource"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	route(t, s, strings.TrimPrefix(srv.URL, "http://"))
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	// v1beta1's Verified says why; v1alpha1's Ready is Available, as upstream derives it.
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionVerified, metav1.ConditionTrue, mcpv1beta1.ReasonAuthenticationRequired)
	if c := condition(t, got, mcpv1alpha1.ConditionReady); c.Status != metav1.ConditionTrue || c.Reason != mcpv1beta1.ReasonAvailable {
		t.Errorf("Ready %s/%s, want True/Available", c.Status, c.Reason)
	}
	if got.Status.Tools != nil {
		t.Errorf("tools %+v reported without credentials", got.Status.Tools)
	}
}

// TestNotAnMCPServerIsNotReady: pods that run and answer HTTP are not enough.
func TestNotAnMCPServerIsNotReady(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "nginx", nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<h1>Welcome to nginx!</h1>"))
	}))
	t.Cleanup(srv.Close)
	route(t, s, strings.TrimPrefix(srv.URL, "http://"))
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	got := waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1alpha1.ReasonMCPEndpointUnavailable)
	if msg := condition(t, got, mcpv1alpha1.ConditionReady).Message; !strings.Contains(msg, "not an MCP server") {
		t.Errorf("Ready message %q", msg)
	}
}

// TestDeploymentUnavailableNamesPodProblems: pods that cannot start make Ready False with the
// pods' problem in the message.
func TestDeploymentUnavailableNamesPodProblems(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	s := newServer(t, ns, "unpullable", nil)
	d := waitForDeployment(t, key(s))
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: 1, UnavailableReplicas: 1}
	if err := k8s.Status().Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "unpullable-abc12", Namespace: ns, Labels: map[string]string{"mcp-server": "unpullable"}},
		Spec:       d.Spec.Template.Spec,
	}
	if err := k8s.Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "mcp-server", Image: "quay.io/example/mcp-server:1.0.0",
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: `Back-off pulling image "quay.io/example/mcp-server:1.0.0"`}}}}
	if err := k8s.Status().Update(ctx, pod); err != nil {
		t.Fatal(err)
	}
	got := waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1beta1.ReasonDeploymentUnavailable)
	if msg := condition(t, got, mcpv1alpha1.ConditionReady).Message; !strings.Contains(msg, "ImagePullBackOff: Back-off pulling image") {
		t.Errorf("Ready message %q does not name the pod problem", msg)
	}
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, mcpv1beta1.ReasonDeploymentUnavailable, "ImagePullBackOff")
}

// TestNameThatCannotNameAService: the API server accepts DNS subdomains as MCPServer names,
// but a Service needs a DNS label; the operator says so instead of failing on the Service.
func TestNameThatCannotNameAService(t *testing.T) {
	ns := newNamespace(t)
	s := newServer(t, ns, "weather.v2", nil)
	got := waitForCondition(t, key(s), mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid)
	if msg := condition(t, got, mcpv1beta1.ConditionAccepted).Message; !strings.Contains(msg, `the name "weather.v2" cannot name the server's Service`) {
		t.Errorf("Accepted message %q", msg)
	}
	requireAbsent(t, &appsv1.Deployment{}, key(s))
}

// TestTLSHandshakeTrustsOnlyTheCABundle: with spec.transport.tls the address is https and the
// handshake trusts the CA bundle of caBundleSecret alone. Rotating ca.crt to a CA that did not
// sign the server's certificate rolls the pods and fails the next handshake in words naming the
// certificate; a bundle without a certificate, or without the key, is not accepted.
func TestTLSHandshakeTrustsOnlyTheCABundle(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	host := fmt.Sprintf("secure.%s.svc.%s", ns, clusterDomain)
	ca, err := mcptest.NewTestCA(host)
	if err != nil {
		t.Fatal(err)
	}
	other, err := mcptest.NewTestCA(host)
	if err != nil {
		t.Fatal(err)
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "server-ca", Namespace: ns}, Data: map[string][]byte{"ca.crt": ca.CABundle}}
	if err := k8s.Create(ctx, secret); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, ns, "secure", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Transport = &mcpv1beta1.TransportConfig{TLS: &mcpv1beta1.TransportTLS{Enabled: true,
			CABundleSecret: &mcpv1beta1.CABundleSecretReference{Name: "server-ca"}}}
	})
	startMCPServerFor(t, s, mcptest.ServerOptions{Name: "secure", Version: "1", Tools: []string{"a"}, TLS: &ca.Cert})
	before := waitForDeployment(t, key(s)).Spec.Template.Annotations[render.ConfigHashAnnotation]
	makeAvailable(t, key(s))
	got := waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	if want := "https://" + host + ":8080/mcp"; got.Status.Address == nil || got.Status.Address.URL != want {
		t.Errorf("address %+v, want %s", got.Status.Address, want)
	}

	secret.Data["ca.crt"] = other.CABundle
	if err := k8s.Update(ctx, secret); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, timeout, "the pods rolled for the new CA", func() (bool, string) {
		after := waitForDeployment(t, key(s)).Spec.Template.Annotations[render.ConfigHashAnnotation]
		return after != before, after
	})
	makeAvailable(t, key(s))
	got = waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1alpha1.ReasonMCPEndpointUnavailable)
	if msg := condition(t, got, mcpv1alpha1.ConditionReady).Message; !strings.Contains(msg, "could not be verified") {
		t.Errorf("Ready message %q does not say the certificate could not be verified", msg)
	}

	for data, want := range map[string]string{
		"ca.crt":  `Secret "server-ca" key ca.crt contains no valid PEM certificates`,
		"tls.crt": `key "ca.crt"`,
	} {
		secret.Data = map[string][]byte{data: []byte("not a certificate")}
		if err := k8s.Update(ctx, secret); err != nil {
			t.Fatal(err)
		}
		check.Eventually(t, timeout, "Accepted=False saying "+want, func() (bool, string) {
			c := condition(t, getServer(t, key(s)), mcpv1beta1.ConditionAccepted)
			return c.Status == metav1.ConditionFalse && strings.Contains(c.Message, want), c.Message
		})
	}
}

// TestInsecureSkipVerifyWarns: skip-verify reaches a server whatever its certificate, and says
// with a Warning event that nothing was verified.
func TestInsecureSkipVerifyWarns(t *testing.T) {
	ns := newNamespace(t)
	ca, err := mcptest.NewTestCA("somewhere-else.example.com")
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, ns, "dev", func(s *mcpv1beta1.MCPServer) {
		s.Spec.Transport = &mcpv1beta1.TransportConfig{TLS: &mcpv1beta1.TransportTLS{Enabled: true, InsecureSkipVerify: true}}
	})
	startMCPServerFor(t, s, mcptest.ServerOptions{Name: "dev", Version: "1", TLS: &ca.Cert})
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	waitForEvent(t, ns, s.Name, corev1.EventTypeWarning, "InsecureSkipVerify", "does not verify the server's certificate")
}
