// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package localcluster runs a small but real Kubernetes control plane on this machine, from
// binaries built by hack/control-plane.sh: etcd and kube-apiserver (through envtest, which
// also makes an admin user with client certificates), kube-controller-manager (Deployments
// really make ReplicaSets and pods, the garbage collector really deletes), kube-scheduler, and
// kwok, which plays the kubelet of simulated nodes so that pods run and become ready. The
// end-to-end suite, the demo and the benchmark all use it.
package localcluster

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/rollout"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// Options shape the local cluster.
type Options struct {
	// Dir holds the kubeconfig, process logs and kwok's configuration; it must exist.
	Dir string
	// Nodes is the number of simulated nodes (default 1).
	Nodes int
	// PodsPerNode is each node's pod capacity (default 250).
	PodsPerNode int
	// ExtraCRDPaths are CRDs to install besides the project's own.
	ExtraCRDPaths []string
	// APIServerArgs are extra kube-apiserver flags (name without dashes -> value).
	APIServerArgs map[string]string
	// AuditUser, when set, is the user whose requests the API server's audit log records
	// (Cluster.Audit reads it).
	AuditUser string
	// WithoutProjectCRDs leaves the MCPServer CRD out, for a cluster the operator is then
	// installed in as a user would (dist/install.yaml, OLM).
	WithoutProjectCRDs bool
	// RealNode, when set, adds one real node beside the simulated ones (which are then
	// tainted kwok.x-k8s.io/node=fake:NoSchedule, so that only pods that tolerate it run there).
	// It needs root.
	RealNode *RealNodeOptions
}

// Cluster is a running local control plane.
type Cluster struct {
	// Kubeconfig is the path of an admin kubeconfig for the cluster.
	Kubeconfig string
	// Config and Client reach the API server as that admin.
	Config *rest.Config
	Client client.Client
	// Processes are the control plane programs besides etcd and kube-apiserver.
	Processes []*Process
	// Audit reads the requests of Options.AuditUser; nil without one.
	Audit *AuditLog
	// Node is the real node; nil without Options.RealNode.
	Node *RealNode

	dir string
	env *testenv.Env
	// restarted are etcd and kube-apiserver once RestartControlPlaneProgram has started them
	// again; this package, not envtest, stops them.
	restarted map[string]*Process
}

// kwokNodeAnnotation marks the nodes kwok manages.
const kwokNodeAnnotation = "kwok.x-k8s.io/node"

// Start brings up the control plane and waits until its nodes are Ready.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	if o.Nodes <= 0 {
		o.Nodes = 1
	}
	if o.PodsPerNode <= 0 {
		o.PodsPerNode = 250
	}
	apiServerArgs := map[string]string{
		// Room for thousands of Services (envtest's default range holds 253).
		"service-cluster-ip-range": "10.96.0.0/16",
	}
	var audit *AuditLog
	if o.AuditUser != "" {
		policy := filepath.Join(o.Dir, "audit-policy.yaml")
		if err := os.WriteFile(policy, []byte(auditPolicy(o.AuditUser)), 0o600); err != nil {
			return nil, err
		}
		audit = &AuditLog{path: filepath.Join(o.Dir, "audit.log")}
		apiServerArgs["audit-policy-file"], apiServerArgs["audit-log-path"], apiServerArgs["audit-log-format"] = policy, audit.path, "json"
	}
	envOptions := testenv.Options{ExtraCRDPaths: o.ExtraCRDPaths, APIServerArgs: apiServerArgs, WithoutProjectCRDs: o.WithoutProjectCRDs}
	var node *RealNode
	if o.RealNode != nil {
		var err error
		if node, err = prepareRealNode(ctx); err != nil {
			return nil, err
		}
		if envOptions.Serving, err = realNodeAPIServer(o.Dir, apiServerArgs); err != nil {
			_ = node.Stop()
			return nil, err
		}
	}
	for name, value := range o.APIServerArgs {
		apiServerArgs[name] = value
	}
	env, err := testenv.Start(envOptions)
	if err != nil {
		if node != nil {
			_ = node.Stop()
		}
		return nil, err
	}
	c := &Cluster{Config: env.Config, Client: env.Client, Audit: audit, Node: node, dir: o.Dir, env: env, restarted: map[string]*Process{}}
	if err := c.start(ctx, o); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

// realNodeAPIServer makes the API server reachable from the real node's pods: listening on
// the node's bridge too, advertised there (the kubernetes Service's endpoint), with a serving
// certificate that names the Service, and with the ServiceAccount admission plugin that
// envtest disables (pods get their token volume, as on any cluster).
func realNodeAPIServer(dir string, args map[string]string) (*testenv.ServingCert, error) {
	certDir := filepath.Join(dir, "apiserver-pki")
	if err := os.MkdirAll(certDir, 0o700); err != nil {
		return nil, err
	}
	serving, err := servingCert(certDir)
	if err != nil {
		return nil, err
	}
	args["bind-address"] = "0.0.0.0"
	args["advertise-address"] = RealNodeIP
	args["disable-admission-plugins"] = ""
	return serving, nil
}

func (c *Cluster) start(ctx context.Context, o Options) error {
	kubeconfig, err := c.env.AdminKubeconfig()
	if err != nil {
		return err
	}
	c.Kubeconfig = filepath.Join(c.dir, "kubeconfig")
	if err := os.WriteFile(c.Kubeconfig, kubeconfig, 0o600); err != nil {
		return err
	}
	kwokConfig := filepath.Join(c.dir, "kwok-stages.yaml")
	stages, err := kwokStages(string(rollout.GateCondition))
	if err != nil {
		return err
	}
	if err := os.WriteFile(kwokConfig, []byte(stages), 0o600); err != nil {
		return err
	}
	controllers := "deployment-controller,replicaset-controller,garbage-collector-controller,node-lifecycle-controller,namespace-controller," +
		"storage-version-migrator-controller"
	var kcmExtra []string
	if c.Node != nil {
		// What a real node's pods need: ServiceAccounts and the CA bundle in every namespace,
		// Service endpoints for kube-proxy, the aggregated roles (view) filled in, and Jobs
		// (OLM unpacks bundles in them).
		controllers += ",serviceaccount-controller,root-ca-certificate-publisher-controller,endpointslice-controller," +
			"clusterrole-aggregation-controller,pod-garbage-collector-controller,job-controller"
		caFile := filepath.Join(c.dir, "apiserver-pki", "ca.crt")
		if err := os.WriteFile(caFile, c.Config.CAData, 0o600); err != nil {
			return err
		}
		kcmExtra = append(kcmExtra, "--root-ca-file="+caFile)
	}
	kcmArgs := append([]string{
		"--kubeconfig=" + c.Kubeconfig, "--leader-elect=false",
		"--controllers=" + controllers,
		"--bind-address=127.0.0.1",
		"--kube-api-qps=200", "--kube-api-burst=400",
		"--concurrent-deployment-syncs=10", "--concurrent-replicaset-syncs=10", "--concurrent-gc-syncs=20",
	}, kcmExtra...)
	schedArgs := []string{
		"--kubeconfig=" + c.Kubeconfig, "--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--kube-api-qps=200", "--kube-api-burst=400",
	}
	for _, p := range []struct {
		name, env string
		args      []string
	}{
		{"kube-controller-manager", "TEST_ASSET_KUBE_CONTROLLER_MANAGER", kcmArgs},
		{"kube-scheduler", "TEST_ASSET_KUBE_SCHEDULER", schedArgs},
	} {
		proc, err := c.startServing(ctx, p.name, p.env, p.args)
		if err != nil {
			return err
		}
		c.Processes = append(c.Processes, proc)
	}
	kwokPort := FreePort()
	binary := os.Getenv("TEST_ASSET_KWOK")
	if _, err := os.Stat(binary); err != nil {
		return fmt.Errorf("kwok is not built (TEST_ASSET_KWOK=%q): run `make control-plane` (hack/control-plane.sh)", binary)
	}
	proc, err := StartProcess(c.dir, "kwok", nil, binary, "--kubeconfig="+c.Kubeconfig, "--config="+kwokConfig,
		"--manage-all-nodes=false", "--manage-nodes-with-annotation-selector="+kwokNodeAnnotation+"=fake",
		"--server-address=127.0.0.1:"+strconv.Itoa(kwokPort), "--node-lease-duration-seconds=40")
	if err != nil {
		return err
	}
	c.Processes = append(c.Processes, proc)
	if err := c.createNodes(ctx, o); err != nil {
		return err
	}
	if err := c.waitForNodes(ctx, o.Nodes); err != nil {
		return err
	}
	if c.Node != nil {
		return c.Node.start(ctx, c, *o.RealNode)
	}
	return nil
}

// startServing starts a component that serves /healthz on --secure-port and waits until it
// does. FreePort's port may be taken by another process before the component binds it (the
// machine runs other tests); the component then exits, and starts again on another port.
func (c *Cluster) startServing(ctx context.Context, name, env string, args []string) (*Process, error) {
	binary := os.Getenv(env)
	if _, err := os.Stat(binary); err != nil {
		return nil, fmt.Errorf("%s is not built (%s=%q): run `make control-plane` (hack/control-plane.sh)", name, env, binary)
	}
	for attempt := 1; ; attempt++ {
		port := FreePort()
		proc, err := StartProcess(c.dir, name, nil, binary, append(args, "--secure-port="+strconv.Itoa(port))...)
		if err != nil {
			return nil, err
		}
		err = waitHealthz(ctx, proc, port)
		if err == nil {
			return proc, nil
		}
		proc.Kill()
		if attempt == 3 || !strings.Contains(proc.Tail(5), "address already in use") {
			return nil, fmt.Errorf("%s did not start: %w\n%s", name, err, proc.Tail(10))
		}
	}
}

// waitHealthz waits until a component answers 200 at https://127.0.0.1:port/healthz, or exits.
func waitHealthz(ctx context.Context, proc *Process, port int) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // a local component's self-signed certificate
	url := fmt.Sprintf("https://127.0.0.1:%d/healthz", port)
	return wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		if exited, err := proc.Exited(); exited {
			return false, fmt.Errorf("it exited (%v)", err)
		}
		resp, err := client.Get(url)
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
}

// kwokTaint keeps pods off the simulated nodes when a real node is there: only pods that
// tolerate it run on kwok.
var kwokTaint = corev1.Taint{Key: kwokNodeAnnotation, Value: "fake", Effect: corev1.TaintEffectNoSchedule}

// createNodes registers the simulated nodes for kwok to run.
func (c *Cluster) createNodes(ctx context.Context, o Options) error {
	for i := range o.Nodes {
		name := fmt.Sprintf("kwok-node-%d", i)
		node := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{
				Name:        name,
				Annotations: map[string]string{kwokNodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
				Labels:      map[string]string{"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "type": "kwok"},
			},
			Status: corev1.NodeStatus{
				Capacity: corev1.ResourceList{
					corev1.ResourceCPU: resource.MustParse("64"), corev1.ResourceMemory: resource.MustParse("512Gi"),
					corev1.ResourcePods: *resource.NewQuantity(int64(o.PodsPerNode), resource.DecimalSI),
				},
			},
		}
		node.Status.Allocatable = node.Status.Capacity
		if c.Node != nil {
			node.Spec.Taints = []corev1.Taint{kwokTaint}
		}
		if err := c.Client.Create(ctx, node); err != nil {
			return fmt.Errorf("creating node %s: %w", name, err)
		}
	}
	return nil
}

func (c *Cluster) waitForNodes(ctx context.Context, n int) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		if err := c.checkProcesses(); err != nil {
			return false, err
		}
		nodes := &corev1.NodeList{}
		if err := c.Client.List(ctx, nodes); err != nil {
			last = err.Error()
			return false, nil
		}
		ready := 0
		for _, node := range nodes.Items {
			if node.Annotations[kwokNodeAnnotation] != "fake" {
				continue
			}
			for _, cond := range node.Status.Conditions {
				if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
					ready++
				}
			}
		}
		last = fmt.Sprintf("%d of %d nodes ready", ready, n)
		return ready == n, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for kwok nodes (%s): %w", last, err)
	}
	return nil
}

// checkProcesses fails when a control plane program has exited.
func (c *Cluster) checkProcesses() error {
	for _, p := range append(slices.Clone(c.Processes), c.restarted[APIServer], c.restarted[Etcd]) {
		if p == nil {
			continue
		}
		if exited, err := p.Exited(); exited {
			return fmt.Errorf("%s exited (%v); its log:\n%s", p.Name, err, p.Tail(30))
		}
	}
	return nil
}

// Healthy reports an error when a control plane program has died.
func (c *Cluster) Healthy() error { return c.checkProcesses() }

// Stop stops every program of the control plane.
func (c *Cluster) Stop() error {
	for i := len(c.Processes) - 1; i >= 0; i-- {
		c.Processes[i].Stop(5 * time.Second)
	}
	var nodeErr error
	if c.Node != nil {
		// Before the API server goes, so that kubelet's last calls find it.
		nodeErr = c.Node.Stop()
	}
	for _, name := range []string{APIServer, Etcd} {
		if p, ok := c.restarted[name]; ok {
			p.Stop(10 * time.Second)
		}
	}
	return errors.Join(nodeErr, c.env.Stop())
}

// UserKubeconfig writes a kubeconfig for a new user in the given groups into the cluster's
// folder and returns its path.
func (c *Cluster) UserKubeconfig(name string, groups ...string) (string, error) {
	kubeconfig, err := c.env.UserKubeconfig(name, groups...)
	if err != nil {
		return "", err
	}
	path := filepath.Join(c.dir, name+".kubeconfig")
	return path, os.WriteFile(path, kubeconfig, 0o600)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// OperatorWebhookArgs are the webhook flags of an operator process run outside the cluster:
// this process serves MCPServer conversions (testenv), so the operator's own webhook server
// takes the test certificate on a port of its own and provisions nothing.
func (c *Cluster) OperatorWebhookArgs() []string {
	return []string{
		"--webhook-cert-provisioning=external",
		"--webhook-host=127.0.0.1", fmt.Sprintf("--webhook-port=%d", FreePort()),
		"--webhook-cert-dir=" + c.env.Webhook.CertDir,
	}
}

// EtcdURL is where the cluster's etcd serves, for tests that look at what is stored.
func (c *Cluster) EtcdURL() string {
	return c.env.EtcdURL()
}
