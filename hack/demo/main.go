// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command demo shows the operator doing its job on this machine: it starts a local control plane
// (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok nodes), runs the operator
// as `make run` would, applies the customer's example unchanged with the sample MCP server
// standing in for the image, and shows the MCPServer Ready with its address. It also starts the
// MCP catalog page on loopback, acting with the local kubeconfig's identity, and prints its URL.
// It keeps running until Ctrl-C, then stops everything it started. `make demo` runs it.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

const (
	example           = "config/samples/openshift-mcp-server.yaml"
	operatorNamespace = "mcp-operator-system"
)

var serverKey = types.NamespacedName{Namespace: "default", Name: "openshift-mcp-server"}

func main() {
	once := flag.Bool("exit-when-ready", false, "Exit as soon as the example is Ready, instead of waiting for Ctrl-C (for tests).")
	node := flag.String("node", "kwok", "Where pods run: kwok (simulated nodes, no root needed) or real "+
		"(a real node: kubelet, containerd, runc; needs root), where the operator and the example run in containers.")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	switch *node {
	case "kwok":
		err = run(ctx, *once)
	case "real":
		err = runOnRealNode(ctx, *once)
	default:
		err = fmt.Errorf("--node=%q: want kwok or real", *node)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func say(format string, args ...any) { fmt.Printf("==> "+format+"\n", args...) }

func run(ctx context.Context, once bool) error {
	if os.Getenv("KUBECONFIG") != "" {
		say("KUBECONFIG is set, but the demo never touches that cluster: it runs on its own local control plane.")
		say("To deploy the operator to your cluster: make install deploy IMG=<image>.")
	}
	dir, err := os.MkdirTemp("", "mcp-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	root := testenv.RepoRoot()

	say("Building the operator, the catalog page and the sample MCP server")
	binDir := filepath.Join(dir, "bin")
	for out, pkg := range map[string]string{"manager": ".", "mcp-catalog": "./cmd/mcp-catalog", "sample-mcp-server": "./cmd/sample-mcp-server"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(binDir, out), pkg)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building %s: %w", pkg, err)
		}
	}

	say("Starting a local control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok (2 simulated nodes)")
	cluster, err := localcluster.Start(ctx, localcluster.Options{Dir: dir, Nodes: 2})
	if err != nil {
		return err
	}
	defer func() {
		say("Stopping the control plane")
		_ = cluster.Stop()
	}()
	if err := cluster.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNamespace}}); err != nil {
		return err
	}

	samplePort := localcluster.FreePort()
	sampleAddr := fmt.Sprintf("127.0.0.1:%d", samplePort)
	say("Starting the sample MCP server on %s, standing in for the example's container image", sampleAddr)
	sample, err := localcluster.StartProcess(dir, "sample-mcp-server", nil, filepath.Join(binDir, "sample-mcp-server"),
		"--listen="+sampleAddr, "--allow-any-host", "--name=openshift-mcp-server (demo stand-in)")
	if err != nil {
		return err
	}
	defer sample.Stop(5 * time.Second)

	say("Starting the operator (as `make run` does), reaching the Service name through --resolve")
	operatorArgs := append([]string{"--kubeconfig=" + cluster.Kubeconfig, "--operator-namespace=" + operatorNamespace,
		"--health-probe-bind-address=127.0.0.1:0", "--metrics-bind-address=0",
		fmt.Sprintf("--resolve=openshift-mcp-server.default.svc.cluster.local:8080:%s", sampleAddr)},
		cluster.OperatorWebhookArgs()...)
	operator, err := localcluster.StartProcess(dir, "operator", nil, filepath.Join(binDir, "manager"), operatorArgs...)
	if err != nil {
		return err
	}
	defer operator.Stop(10 * time.Second)

	say("Applying %s, unchanged", example)
	if err := applyExample(ctx, cluster, filepath.Join(root, example)); err != nil {
		return err
	}
	if err := waitForReady(ctx, cluster, operatorAlive(operator)); err != nil {
		return err
	}

	kubectl := os.Getenv("TEST_ASSET_KUBECTL")
	out, err := exec.CommandContext(ctx, kubectl, "--kubeconfig="+cluster.Kubeconfig, "get", "mcpservers", "-A", "-o", "wide").CombinedOutput()
	if err != nil {
		return fmt.Errorf("kubectl get mcpservers: %v\n%s", err, out)
	}
	fmt.Printf("\n$ kubectl get mcpservers -A -o wide\n%s\n", out)
	printHowToConnect(cluster.Kubeconfig, kubectl, sampleAddr)

	return showCatalogUntilDone(ctx, dir, filepath.Join(binDir, "mcp-catalog"), cluster.Kubeconfig, once)
}

// showCatalogUntilDone shows the catalog page, then, unless once, runs until Ctrl-C.
func showCatalogUntilDone(ctx context.Context, dir, catalogBinary, kubeconfig string, once bool) error {
	stopCatalog, err := showCatalog(ctx, dir, catalogBinary, kubeconfig)
	if err != nil {
		return err
	}
	defer stopCatalog()
	if once {
		return nil
	}
	say("Running. Press Ctrl-C to stop everything.")
	<-ctx.Done()
	fmt.Println()
	return nil
}

// showCatalog starts the MCP catalog page on loopback, acting with the kubeconfig's identity,
// waits until it lists the example and prints its URL; the function it returns stops it.
func showCatalog(ctx context.Context, dir, binary, kubeconfig string) (func(), error) {
	catalogURL := fmt.Sprintf("http://127.0.0.1:%d/", localcluster.FreePort())
	say("Starting the MCP catalog page, acting with the local kubeconfig's identity (loopback only)")
	catalogPage, err := localcluster.StartProcess(dir, "mcp-catalog", nil, binary,
		"--kubeconfig="+kubeconfig, "--local", "--listen="+strings.TrimSuffix(strings.TrimPrefix(catalogURL, "http://"), "/"))
	if err != nil {
		return nil, err
	}
	stop := func() { catalogPage.Stop(5 * time.Second) }
	status, err := waitForCatalog(ctx, catalogURL, catalogPage)
	if err != nil {
		stop()
		return nil, err
	}
	fmt.Printf(`The MCP catalog: %s
    Browse the catalog, open a server's details, deploy it from the form, and watch it on the
    Deployments tab, which shows %s/%s as %s.

`, catalogURL, serverKey.Namespace, serverKey.Name, status)
	return stop, nil
}

// waitForCatalog waits until the catalog page answers and lists the example, and returns the
// status it shows for it.
func waitForCatalog(ctx context.Context, url string, page *localcluster.Process) (string, error) {
	deadline := time.Now().Add(time.Minute)
	var last string
	for time.Now().Before(deadline) {
		if exited, err := page.Exited(); exited {
			return "", fmt.Errorf("the catalog page stopped (%v):\n%s", err, page.Tail(20))
		}
		status, err := exampleStatusInCatalog(ctx, url)
		if err == nil {
			return status, nil
		}
		last = err.Error()
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("the catalog page did not list the example within a minute (%s):\n%s", last, page.Tail(20))
}

// exampleStatusInCatalog asks the catalog page what its Deployments tab shows for the example,
// the way the tab asks: the first event of its live stream.
func exampleStatusInCatalog(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"api/deployments/watch?namespace="+serverKey.Namespace, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the Deployments stream answered %d", resp.StatusCode)
	}
	scanner := bufio.NewScanner(resp.Body)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		data, ok := strings.CutPrefix(scanner.Text(), "data: ")
		if !ok {
			continue
		}
		var event struct {
			Items []struct {
				Name   string `json:"name"`
				Status string `json:"status"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(data), &event); err != nil {
			return "", fmt.Errorf("the Deployments stream sent %q: %w", data, err)
		}
		for _, item := range event.Items {
			if item.Name == serverKey.Name {
				return item.Status, nil
			}
		}
		return "", fmt.Errorf("the Deployments stream does not list %s", serverKey.Name)
	}
	return "", fmt.Errorf("the Deployments stream ended without an event: %v", scanner.Err())
}

// applyExample creates every object of the example file.
func applyExample(ctx context.Context, cluster *localcluster.Cluster, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, doc := range strings.Split(string(raw), "\n---") {
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		if err := cluster.Client.Create(ctx, obj); err != nil {
			return fmt.Errorf("creating %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
		fmt.Printf("    %s/%s created\n", strings.ToLower(obj.GetKind()), obj.GetName())
	}
	return nil
}

// operatorAlive fails once the operator's process has exited, with its log.
func operatorAlive(operator *localcluster.Process) func() error {
	return func() error {
		if exited, err := operator.Exited(); exited {
			return fmt.Errorf("the operator exited (%v):\n%s", err, operator.Tail(30))
		}
		return nil
	}
}

// waitForReady prints the MCPServer's Ready condition as it changes, until it is True; alive
// reports an operator that has gone.
func waitForReady(ctx context.Context, cluster *localcluster.Cluster, alive func() error) error {
	deadline := time.After(3 * time.Minute)
	var last string
	for {
		server := &mcpv1beta1.MCPServer{}
		if err := cluster.Client.Get(ctx, serverKey, server); err == nil {
			if c := mcpv1alpha1.ReadyFrom(server.Status.Conditions); c != nil {
				if line := fmt.Sprintf("Ready=%s (%s): %s", c.Status, c.Reason, c.Message); line != last {
					say("%s", line)
					last = line
				}
				if c.Status == metav1.ConditionTrue && c.ObservedGeneration == server.Generation {
					return nil
				}
			}
		}
		if err := alive(); err != nil {
			return err
		}
		if err := cluster.Healthy(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			return fmt.Errorf("the example was not Ready after 3 minutes (%s)", last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func printHowToConnect(kubeconfig, kubectl, sampleAddr string) {
	fmt.Printf(`The MCPServer is Ready: the operator verified it with an MCP handshake (see the PROTOCOL column).

Inside a cluster, MCP clients connect to its address:
    http://openshift-mcp-server.default.svc.cluster.local:8080/mcp
This local cluster has no pod network, so that name resolves only for the operator (--resolve).
The sample server standing in for the image answers MCP at http://%s/mcp. Try it:
    curl -s http://%s/mcp -H 'Content-Type: application/json' \
      -H 'Accept: application/json, text/event-stream' \
      -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
or point any MCP client (for example the MCP Inspector) at that URL.

Use the bundled kubectl against the local cluster:
    export KUBECONFIG=%s
    %s get mcpservers -o wide
    %s describe mcpserver openshift-mcp-server

`, sampleAddr, sampleAddr, kubeconfig, kubectl, kubectl)
}
