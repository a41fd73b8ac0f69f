// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package localcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	certutil "k8s.io/client-go/util/cert"

	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// RealNodeOptions describe the real node: a kubelet with containerd, runc, the CNI bridge,
// kube-proxy and CoreDNS, whose pods are real containers with real addresses.
type RealNodeOptions struct {
	// Registry is the host:port of the loopback registry every image is pulled from.
	Registry string
	// Mirrored are the registries (quay.io, registry.k8s.io, ...) whose images Registry
	// serves under the same paths, so that manifests keep their image references.
	Mirrored []string
}

// RealNode is the running real node.
type RealNode struct {
	// Name is the node's name; IP its address, reachable from this machine.
	Name, IP string

	processes []*Process
	kubeProxy string
	// logDir is the cluster's folder, where the pods' logs are kept when the node stops.
	logDir string
	lock   *os.File
}

// realNodeBinaries are the node's programs, from `hack/control-plane.sh node`.
var realNodeBinaries = []string{"TEST_ASSET_KUBELET", "TEST_ASSET_KUBE_PROXY", "TEST_ASSET_CONTAINERD",
	"TEST_ASSET_CONTAINERD_SHIM", "TEST_ASSET_COREDNS", "TEST_ASSET_RUNC"}

// RealNodeUnsupported says why this machine cannot run the real node, or "" when it can: it
// needs root, the node's binaries, runc, the CNI plugins, iptables and overlayfs.
func RealNodeUnsupported() string {
	_ = testenv.LocateBinaries() // fills in TEST_ASSET_* for a plain go test
	if os.Geteuid() != 0 {
		return "the real node needs root (kubelet, containerd, network namespaces and iptables)"
	}
	for _, name := range realNodeBinaries {
		if _, err := os.Stat(os.Getenv(name)); err != nil {
			return fmt.Sprintf("the real node's binaries are not built (%s=%q): run `hack/control-plane.sh node`", name, os.Getenv(name))
		}
	}
	for _, tool := range []string{"iptables", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Sprintf("the real node needs %s (Debian: iptables, iproute2)", tool)
		}
	}
	if _, err := os.Stat(filepath.Join(cniBinDir, "bridge")); err != nil {
		return "the real node needs the CNI plugins in " + cniBinDir + " (Debian: containernetworking-plugins)"
	}
	raw, _ := os.ReadFile("/proc/filesystems")
	if !strings.Contains(string(raw), "overlay") {
		return "the real node needs overlayfs, which this kernel lacks"
	}
	return ""
}

// cniBinDir is where Debian's containernetworking-plugins puts the plugins.
const cniBinDir = "/usr/lib/cni"

// prepareRealNode claims the machine's one real node, removes what an earlier, killed run left,
// and makes the bridge, so that the API server can be advertised on it.
func prepareRealNode(ctx context.Context) (*RealNode, error) {
	if why := RealNodeUnsupported(); why != "" {
		return nil, errors.New(why)
	}
	lock, err := lockRealNode(ctx)
	if err != nil {
		return nil, err
	}
	n := &RealNode{Name: RealNodeName, IP: RealNodeIP,
		kubeProxy: os.Getenv("TEST_ASSET_KUBE_PROXY"), lock: lock}
	if err := cleanupNode(n.kubeProxy); err != nil {
		n.release()
		return nil, fmt.Errorf("removing what an earlier real node left: %w", err)
	}
	if err := n.setUpNetwork(); err != nil {
		_ = n.Stop()
		return nil, err
	}
	return n, nil
}

// lockRealNode claims the machine's one real node, waiting while another suite or demo holds
// it (go test runs packages side by side).
func lockRealNode(ctx context.Context) (*os.File, error) {
	lock, err := os.OpenFile(nodeRun+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 20*time.Minute, true, func(context.Context) (bool, error) {
		return syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil, nil
	})
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("another real node runs on this machine (%s stays locked): %w", lock.Name(), err)
	}
	return lock, nil
}

func (n *RealNode) setUpNetwork() error {
	if err := saveSysctls(); err != nil {
		return err
	}
	for key, value := range nodeSysctls {
		if err := writeSysctl(key, value); err != nil {
			return fmt.Errorf("setting sysctl %s: %w", key, err)
		}
	}
	for _, args := range [][]string{
		{"link", "add", bridgeName, "type", "bridge"},
		{"addr", "add", RealNodeIP + "/24", "dev", bridgeName},
		{"link", "set", bridgeName, "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// servingCert makes the API server's certificate for every name a client of the node uses:
// loopback for this machine's programs, the node's address and the kubernetes Service for pods.
func servingCert(dir string) (*testenv.ServingCert, error) {
	ips := []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP(RealNodeIP), net.ParseIP(kubernetesServiceIP)}
	names := []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc." + clusterDomain}
	certs, key, err := certutil.GenerateSelfSignedCertKey("kubernetes", ips, names)
	if err != nil {
		return nil, err
	}
	// The first certificate is the server's, the second the CA that signed it.
	parsed, err := certutil.ParseCertsPEM(certs)
	if err != nil || len(parsed) != 2 {
		return nil, fmt.Errorf("parsing the generated serving certificate: %v", err)
	}
	ca, err := certutil.EncodeCertificates(parsed[1])
	if err != nil {
		return nil, err
	}
	return &testenv.ServingCert{Dir: dir, Cert: certs, Key: key, CA: ca}, nil
}

// start runs containerd, CoreDNS, kube-proxy and kubelet, and waits until the node is Ready.
func (n *RealNode) start(ctx context.Context, c *Cluster, o RealNodeOptions) error {
	n.logDir = c.dir
	files := map[string]string{
		filepath.Join(nodeRun, "containerd.toml"):                    containerdConfig(os.Getenv("TEST_ASSET_RUNC"), cniBinDir),
		filepath.Join(cniConfDir(), "10-mcp-operator-node.conflist"): cniConfig(),
		filepath.Join(nodeRun, "resolv.conf"):                        "", // pods of dnsPolicy Default resolve nothing
		filepath.Join(nodeRun, "kubelet.yaml"):                       kubeletConfig(FreePort()),
		filepath.Join(nodeRun, "kube-proxy.yaml"):                    kubeProxyConfig(c.Kubeconfig, FreePort(), FreePort()),
	}
	corednsReady := FreePort()
	files[filepath.Join(nodeRun, "Corefile")] = corefile(c.Kubeconfig, corednsReady)
	for _, registry := range o.Mirrored {
		files[filepath.Join(registryHostsDir(), registry, "hosts.toml")] = registryHosts(o.Registry)
	}
	for path, content := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(nodeData, 0o755); err != nil {
		return err
	}
	if err := makeCgroupParent(); err != nil {
		return err
	}
	pathEnv := "PATH=" + filepath.Dir(os.Getenv("TEST_ASSET_CONTAINERD_SHIM")) + ":" + os.Getenv("PATH")
	if err := n.run(c, "containerd", []string{pathEnv}, os.Getenv("TEST_ASSET_CONTAINERD"),
		"--config", filepath.Join(nodeRun, "containerd.toml")); err != nil {
		return err
	}
	if err := n.waitFor(ctx, "containerd's socket", func() bool {
		conn, err := net.Dial("unix", containerdSocket())
		if err == nil {
			_ = conn.Close()
		}
		return err == nil
	}); err != nil {
		return err
	}
	if err := n.run(c, "coredns", nil, os.Getenv("TEST_ASSET_COREDNS"), "-conf", filepath.Join(nodeRun, "Corefile")); err != nil {
		return err
	}
	if err := n.run(c, "kube-proxy", nil, n.kubeProxy, "--config", filepath.Join(nodeRun, "kube-proxy.yaml"), "--v=2"); err != nil {
		return err
	}
	if err := n.run(c, "kubelet", nil, os.Getenv("TEST_ASSET_KUBELET"),
		"--config", filepath.Join(nodeRun, "kubelet.yaml"), "--kubeconfig", c.Kubeconfig,
		"--root-dir", filepath.Join(nodeData, "kubelet"), "--cert-dir", filepath.Join(nodeRun, "kubelet-pki"),
		"--hostname-override", RealNodeName, "--node-ip", RealNodeIP, "--node-labels", "type=real", "--v=2"); err != nil {
		return err
	}
	if err := n.waitFor(ctx, "CoreDNS", func() bool { return httpOK(fmt.Sprintf("http://127.0.0.1:%d/ready", corednsReady)) }); err != nil {
		return err
	}
	return n.waitFor(ctx, "the real node to be Ready", func() bool {
		node := &corev1.Node{}
		if err := c.Client.Get(ctx, types.NamespacedName{Name: RealNodeName}, node); err != nil {
			return false
		}
		for _, cond := range node.Status.Conditions {
			if cond.Type == corev1.NodeReady {
				return cond.Status == corev1.ConditionTrue
			}
		}
		return false
	})
}

// makeCgroupParent creates kubelet's cgroup root in every cgroup v1 hierarchy, with the
// parent's CPUs and memory nodes in cpuset (a new cpuset holds none, and admits no task).
func makeCgroupParent() error {
	hierarchies, err := os.ReadDir("/sys/fs/cgroup")
	if err != nil {
		return err
	}
	for _, h := range hierarchies {
		if h.Name() == "unified" || !h.IsDir() {
			continue
		}
		dir := filepath.Join("/sys/fs/cgroup", h.Name(), cgroupParent)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating cgroup %s: %w", dir, err)
		}
		if h.Name() != "cpuset" {
			continue
		}
		for _, file := range []string{"cpuset.cpus", "cpuset.mems"} {
			raw, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/cpuset", file))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, file), raw, 0o644); err != nil {
				return fmt.Errorf("setting %s of cgroup %s: %w", file, dir, err)
			}
		}
	}
	return nil
}

func (n *RealNode) run(c *Cluster, name string, env []string, binary string, args ...string) error {
	p, err := StartProcess(c.dir, name, env, binary, args...)
	if err != nil {
		return err
	}
	n.processes = append(n.processes, p)
	return nil
}

// waitFor polls done for up to two minutes, failing early with its log when a node program
// has exited.
func (n *RealNode) waitFor(ctx context.Context, what string, done func() bool) error {
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 2*time.Minute, true, func(context.Context) (bool, error) {
		if err := n.Healthy(); err != nil {
			return false, err
		}
		return done(), nil
	})
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", what, err)
	}
	return nil
}

// Healthy reports an error when a program of the node has exited.
func (n *RealNode) Healthy() error {
	for _, p := range n.processes {
		if exited, err := p.Exited(); exited {
			return fmt.Errorf("%s exited (%v); its log:\n%s", p.Name, err, p.Tail(40))
		}
	}
	return nil
}

// ContainerPID returns the host PID of a running container, from its pod status's
// containerID (containerd://<id>), for checks of what the runtime really applied.
func (n *RealNode) ContainerPID(containerID string) (int, error) {
	id, ok := strings.CutPrefix(containerID, "containerd://")
	if !ok {
		return 0, fmt.Errorf("container ID %q is not containerd's", containerID)
	}
	raw, err := os.ReadFile(filepath.Join(nodeRun, "containerd-state", "io.containerd.runtime.v2.task", "k8s.io", id, "init.pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(raw)))
}

// ContainerLog returns what a pod's container has written, every run of it, from kubelet's log
// files (kubectl logs cannot reach this node: its name resolves nowhere).
func (n *RealNode) ContainerLog(namespace, pod string, uid types.UID, container string) (string, error) {
	dir := filepath.Join(nodeData, "pod-logs", fmt.Sprintf("%s_%s_%s", namespace, pod, uid), container)
	files, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", fmt.Errorf("no log of container %s of pod %s/%s in %s", container, namespace, pod, dir)
	}
	var out strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		out.Write(raw)
	}
	return out.String(), nil
}

// Stop stops the node's programs (kubelet first, so that it starts nothing new), then removes
// every container, mount, network namespace, iptables chain, cgroup and folder the node made,
// and puts the sysctls back; it fails when anything of the node is left.
func (n *RealNode) Stop() error {
	for i := len(n.processes) - 1; i >= 0; i-- {
		n.processes[i].Stop(5 * time.Second)
	}
	n.keepPodLogs()
	err := cleanupNode(n.kubeProxy)
	// Checked while this node still holds the lock: once released, the next suite's node makes
	// the same bridge and files.
	if left := RealNodeLeftovers(); len(left) > 0 {
		err = errors.Join(err, fmt.Errorf("the real node left behind: %v", left))
	}
	n.release()
	return err
}

// keepPodLogs copies the containers' logs into the cluster's folder, beside the logs of the
// node's programs, before cleanup removes the node's own.
func (n *RealNode) keepPodLogs() {
	if n.logDir == "" {
		return
	}
	_ = exec.Command("cp", "-rL", filepath.Join(nodeData, "pod-logs"), filepath.Join(n.logDir, "pod-logs")).Run()
}

func (n *RealNode) release() {
	if n.lock != nil {
		_ = syscall.Flock(int(n.lock.Fd()), syscall.LOCK_UN)
		_ = n.lock.Close()
		n.lock = nil
	}
}

// httpOK reports whether a GET of url answers 200 within a second.
func httpOK(url string) bool {
	client := &http.Client{Timeout: time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
