// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package e2e runs the operator binary, as a user would outside a cluster, against a real
// local control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok
// nodes), with the sample MCP server running as a local process in place of container images.
package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
)

const (
	operatorNamespace = "mcp-operator-system"
	reverifyInterval  = 2 * time.Second
	// timeout is generous: on 2 cores a rollout passes through four controllers.
	timeout = 90 * time.Second
)

var (
	cluster *localcluster.Cluster
	k8s     client.Client
	// bin holds the operator and sample server binaries built for this run.
	bin string
	// runDir holds the cluster's and the processes' logs.
	runDir string
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	var err error
	if runDir, err = os.MkdirTemp("", "mcp-e2e-"); err != nil {
		return 0, err
	}
	bin = filepath.Join(runDir, "bin")
	if err := localcluster.BuildBinaries(context.Background(), bin); err != nil {
		return 0, err
	}
	ctx := context.Background()
	if cluster, err = localcluster.Start(ctx, localcluster.Options{Dir: runDir, Nodes: 2}); err != nil {
		return 0, err
	}
	defer func() { _ = cluster.Stop() }()
	k8s = cluster.Client
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNamespace}}); err != nil {
		return 0, err
	}
	code := m.Run()
	if code == 0 {
		_ = os.RemoveAll(runDir)
	} else {
		fmt.Fprintln(os.Stderr, "e2e: logs of every process are in", runDir)
	}
	return code, nil
}

// operator is one running operator process.
type operator struct {
	proc        *localcluster.Process
	metricsAddr string
}

// startOperator runs the operator binary with --kubeconfig and --resolve, as `make run` does,
// with leader election on. It is stopped at the end of the test, and on failure its log and the
// cluster's objects are printed.
func startOperator(t *testing.T, name string, resolves ...string) *operator {
	t.Helper()
	return startOperatorWithEnv(t, name, nil, resolves...)
}

// startOperatorWithEnv is startOperator with extra environment variables, as OLM sets them.
func startOperatorWithEnv(t *testing.T, name string, env []string, resolves ...string) *operator {
	t.Helper()
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", localcluster.FreePort())
	args := []string{
		"--kubeconfig=" + cluster.Kubeconfig,
		"--leader-elect", "--leader-election-namespace=" + operatorNamespace, "--operator-namespace=" + operatorNamespace,
		"--metrics-bind-address=" + metricsAddr, "--metrics-secure=false",
		fmt.Sprintf("--health-probe-bind-address=127.0.0.1:%d", localcluster.FreePort()),
		"--reverify-interval=" + reverifyInterval.String(), "--handshake-timeout=2s",
	}
	args = append(args, cluster.OperatorWebhookArgs()...)
	for _, r := range resolves {
		args = append(args, "--resolve="+r)
	}
	proc, err := localcluster.StartProcess(runDir, t.Name()+"-"+name, env, filepath.Join(bin, "manager"), args...)
	if err != nil {
		t.Fatal(err)
	}
	op := &operator{proc: proc, metricsAddr: metricsAddr}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("operator %s log (last 60 lines):\n%s", name, proc.Tail(60))
		}
		proc.Stop(10 * time.Second)
	})
	return op
}

// sample is a sample MCP server process standing in for a server's container.
type sample struct {
	proc *localcluster.Process
	addr string
	name string
}

// startSample runs the sample MCP server on a free loopback port (or on addr, to restart one).
func startSample(t *testing.T, name, addr string) *sample {
	t.Helper()
	if addr == "" {
		addr = fmt.Sprintf("127.0.0.1:%d", localcluster.FreePort())
	}
	proc, err := localcluster.StartProcess(runDir, t.Name()+"-"+name, nil, filepath.Join(bin, "sample-mcp-server"),
		"--listen="+addr, "--allow-any-host", "--name="+name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proc.Stop(5 * time.Second) })
	check.Eventually(t, 10*time.Second, "the sample MCP server listening on "+addr, func() (bool, string) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return false, err.Error()
		}
		_ = conn.Close()
		return true, ""
	})
	return &sample{proc: proc, addr: addr, name: name}
}

// resolve is the --resolve entry that sends the MCPServer's cluster address to addr.
func resolve(ns, name string, port int, addr string) string {
	return fmt.Sprintf("%s.%s.svc.cluster.local:%d:%s", name, ns, port, addr)
}

// newNamespace creates a namespace for one test; on failure the cluster's state is printed.
func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "e2e-"}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("cluster state:\n%s", kubectl(t, "get", "mcpservers,deployments,replicasets,pods,services,networkpolicies", "-A", "-o", "wide"))
			t.Logf("MCPServers:\n%s", kubectl(t, "get", "mcpservers", "-A", "-o", "yaml"))
		}
	})
	return ns.Name
}

// kubectl runs the kubectl built with the control plane against the local cluster.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Getenv("TEST_ASSET_KUBECTL"), append([]string{"--kubeconfig=" + cluster.Kubeconfig}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Sprintf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// newServer creates an MCPServer running the sample server image, with port 8080.
func newServer(t *testing.T, ns, name string, mutate func(*mcpv1beta1.MCPServer)) *mcpv1beta1.MCPServer {
	t.Helper()
	s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	s.Spec.Source = mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
		ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/mcp-operator/sample-mcp-server:0.1.0"}}
	s.Spec.Config.Port = 8080
	if mutate != nil {
		mutate(s)
	}
	if err := k8s.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func key(ns, name string) types.NamespacedName {
	return types.NamespacedName{Namespace: ns, Name: name}
}

// waitForCondition waits until the MCPServer's condition, for its current generation, has the
// status and reason.
func waitForCondition(t *testing.T, k types.NamespacedName, condType string, status metav1.ConditionStatus, reason string) *mcpv1beta1.MCPServer {
	t.Helper()
	s := &mcpv1beta1.MCPServer{}
	check.Eventually(t, timeout, fmt.Sprintf("%s %s=%s/%s", k, condType, status, reason), func() (bool, string) {
		if err := k8s.Get(context.Background(), k, s); err != nil {
			return false, err.Error()
		}
		c := check.Condition(s.Status.Conditions, condType)
		if c == nil {
			return false, "no condition yet"
		}
		return c.Status == status && c.Reason == reason && c.ObservedGeneration == s.Generation,
			fmt.Sprintf("%s/%s: %s", c.Status, c.Reason, c.Message)
	})
	return s
}

// ownedReplicaSets lists the ReplicaSets of a Deployment.
func ownedReplicaSets(t *testing.T, ns, deployment string) []appsv1.ReplicaSet {
	t.Helper()
	list := &appsv1.ReplicaSetList{}
	if err := k8s.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	var out []appsv1.ReplicaSet
	for _, rs := range list.Items {
		if ref := metav1.GetControllerOf(&rs); ref != nil && ref.Kind == "Deployment" && ref.Name == deployment {
			out = append(out, rs)
		}
	}
	return out
}

// runningPods lists the Running pods of an MCPServer.
func runningPods(t *testing.T, ns, server string) []corev1.Pod {
	t.Helper()
	return check.RunningPods(t, k8s, ns, server)
}
