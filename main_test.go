// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestManagerServesProbesMetricsAndLeads runs the manager against a real API server with the
// flags a deployment uses, and checks what the manifests rely on: probes answer, the Lease is
// taken, metrics are served over HTTPS only to callers allowed to read them, and the manager's
// webhook converts MCPServers for the API server.
func TestManagerServesProbesMetricsAndLeads(t *testing.T) {
	env, err := testenv.Start(testenv.Options{ExternalConversion: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })

	probeAddr, metricsAddr, pprofAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	opts := parseFlags(flag.NewFlagSet("manager", flag.ContinueOnError), []string{
		"--health-probe-bind-address=" + probeAddr,
		"--pprof-bind-address=" + pprofAddr,
		"--kube-api-qps=80", "--kube-api-burst=160",
		"--metrics-bind-address=" + metricsAddr,
		"--leader-elect",
		"--leader-election-namespace=default",
		"--webhook-cert-provisioning=external",
		fmt.Sprintf("--webhook-port=%d", env.Webhook.Port),
		"--webhook-cert-dir=" + env.Webhook.CertDir,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, env.Config, opts) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the manager stopped with an error: %v", err)
		}
	})

	for _, path := range []string{"/healthz", "/readyz"} {
		waitForStatus(t, http.DefaultClient, "http://"+probeAddr+path, "", http.StatusOK)
	}
	waitForStatus(t, http.DefaultClient, "http://"+pprofAddr+"/debug/pprof/heap", "", http.StatusOK)
	if opts.kubeAPIQPS != 80 || opts.kubeAPIBurst != 160 {
		t.Errorf("client rate %v/%d, want 80/160", opts.kubeAPIQPS, opts.kubeAPIBurst)
	}

	lease := &coordinationv1.Lease{}
	check.Eventually(t, 30*time.Second, "the leader election Lease to be held", func() (bool, string) {
		if err := env.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: leaderElectionID}, lease); err != nil {
			return false, err.Error()
		}
		return lease.Spec.HolderIdentity != nil && *lease.Spec.HolderIdentity != "", "no holder"
	})

	// Through v1alpha1, the API server converts what it stores (v1beta1) with the manager's
	// webhook.
	server := &mcpv1alpha1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "converted", Namespace: "default"},
		Spec: mcpv1alpha1.MCPServerSpec{
			Source: mcpv1alpha1.Source{Type: mcpv1alpha1.SourceTypeContainerImage, ContainerImage: &mcpv1alpha1.ContainerImageSource{Ref: "quay.io/a/b:1"}},
			Config: mcpv1alpha1.ServerConfig{Port: 8080},
		},
	}
	check.Eventually(t, 30*time.Second, "an MCPServer created through v1alpha1", func() (bool, string) {
		if err := env.Client.Create(ctx, server); err != nil {
			return false, err.Error()
		}
		return true, ""
	})
	stored := &mcpv1beta1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(server), stored); err != nil || stored.Spec.Config.Path != "/mcp" {
		t.Errorf("read through v1beta1: %v %+v", err, stored.Spec.Config)
	}

	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // self-signed test serving cert
	metricsURL := "https://" + metricsAddr + "/metrics"
	waitForStatus(t, insecure, metricsURL, "", http.StatusUnauthorized)
	token := metricsReaderToken(t, ctx, env)
	body := waitForStatus(t, insecure, metricsURL, token, http.StatusOK)
	if !strings.Contains(body, "controller_runtime_") {
		t.Errorf("metrics do not include controller-runtime's own:\n%.500s", body)
	}
}

// metricsReaderToken creates a ServiceAccount allowed to get /metrics and returns a token for it.
func metricsReaderToken(t *testing.T, ctx context.Context, env *testenv.Env) string {
	t.Helper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "prometheus", Namespace: "default"}}
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "metrics-reader"},
		Rules:      []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}},
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "prometheus-metrics-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.Name, Namespace: sa.Namespace}},
	}
	for _, obj := range []client.Object{sa, role, binding} {
		if err := env.Client.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	clientset, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := clientset.CoreV1().ServiceAccounts("default").CreateToken(ctx, sa.Name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitForStatus polls url until it answers with the wanted status, and returns the body.
func waitForStatus(t *testing.T, c *http.Client, url, token string, want int) string {
	t.Helper()
	var body string
	check.Eventually(t, 30*time.Second, fmt.Sprintf("%s to answer %d", url, want), func() (bool, string) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return false, err.Error()
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			return false, err.Error()
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		body = string(raw)
		return resp.StatusCode == want, resp.Status
	})
	return body
}
