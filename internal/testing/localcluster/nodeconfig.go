// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package localcluster

import (
	"fmt"
	"path/filepath"
	"strings"
)

// The real node's network: a bridge of its own, with the node's address as the pods' gateway.
// The node's address is also where the API server is advertised (the kubernetes Service's
// endpoint) and where CoreDNS answers, so that pods reach both without leaving the bridge.
const (
	// RealNodeName is the name the real node registers under.
	RealNodeName = "real-node"
	// RealNodeIP is the node's address on its bridge.
	RealNodeIP   = "10.244.0.1"
	podSubnet    = "10.244.0.0/24"
	bridgeName   = "mcpnode0"
	clusterIPNet = "10.96.0.0/16"
	// kubernetesServiceIP is the first address of clusterIPNet, which the API server gives the
	// kubernetes Service.
	kubernetesServiceIP = "10.96.0.1"
	clusterDomain       = "cluster.local"
	// SandboxImage is the pause image containerd starts every pod sandbox from.
	SandboxImage = "registry.k8s.io/pause:3.10.2"
)

// The real node keeps everything it makes under two folders of fixed names, so that a run
// that was killed before it could clean up is cleaned up by the next one: state and sockets
// under nodeRun (tmpfs), images, volumes and logs under nodeData (disk).
const (
	nodeRun  = "/run/mcp-operator-node"
	nodeData = "/var/lib/mcp-operator-node"
	// cgroupParent is where kubelet puts its pods' cgroups, under each cgroup v1 hierarchy.
	cgroupParent = "mcp-operator-node"
)

func containerdSocket() string { return filepath.Join(nodeRun, "containerd.sock") }

// containerdConfig is containerd's configuration: the CRI plugin with runc, the CNI plugins of
// cniBinDir and every registry of mirrored served by the loopback registry at registry.
func containerdConfig(runc, cniBinDir string) string {
	return fmt.Sprintf(`version = 3
root = %[1]q
state = %[2]q
imports = []
disabled_plugins = ["io.containerd.nri.v1.nri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.erofs", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = %[3]q

[ttrpc]
  address = %[4]q

[plugins]
  [plugins.'io.containerd.internal.v1.opt']
    path = %[5]q
  [plugins.'io.containerd.shim.v1.manager']
    socket_dir = %[12]q
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = "overlayfs"
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = %[6]q
    [plugins.'io.containerd.cri.v1.images'.registry]
      config_path = %[7]q
  [plugins.'io.containerd.cri.v1.runtime']
    netns_mounts_under_state_dir = true
    # This machine's root lacks CAP_SYS_RESOURCE: no container may go below containerd's own
    # oom_score_adj (kubelet asks -998 for sandboxes, which runc then cannot set).
    restrict_oom_score_adj = true
    cdi_spec_dirs = []
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = %[8]q
        Root = %[11]q
        SystemdCgroup = false
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = [%[9]q]
      conf_dir = %[10]q
  [plugins.'io.containerd.grpc.v1.cri']
    stream_server_address = "127.0.0.1"
`, filepath.Join(nodeData, "containerd"), filepath.Join(nodeRun, "containerd-state"), containerdSocket(),
		filepath.Join(nodeRun, "containerd-ttrpc.sock"), filepath.Join(nodeData, "containerd-opt"), SandboxImage,
		registryHostsDir(), runc, cniBinDir, cniConfDir(), filepath.Join(nodeRun, "runc"), filepath.Join(nodeRun, "s"))
}

func registryHostsDir() string { return filepath.Join(nodeRun, "registry-hosts") }
func cniConfDir() string       { return filepath.Join(nodeRun, "cni") }

// registryHosts is containerd's hosts.toml for one mirrored registry: every pull goes to the
// loopback registry, and only there (server names it, so nothing falls back to the internet).
func registryHosts(registry string) string {
	return fmt.Sprintf(`server = "http://%[1]s"

[host."http://%[1]s"]
  capabilities = ["pull", "resolve"]
`, registry)
}

// cniConfig is the pods' network: the bridge with host-local addresses, and portmap for
// hostPorts. No masquerading: pods reach the node and each other, nothing beyond.
func cniConfig() string {
	return fmt.Sprintf(`{
  "cniVersion": "1.0.0",
  "name": "mcp-operator-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": %[1]q,
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": %[2]q,
        "ranges": [[{"subnet": %[3]q, "gateway": %[4]q}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`, bridgeName, filepath.Join(nodeRun, "cni-ipam"), podSubnet, RealNodeIP)
}

// kubeletConfig is kubelet's configuration: cgroupfs on this machine's cgroup v1, cluster DNS
// on the node's address, anonymous access to its API (the API server's logs and exec) and
// eviction thresholds that a busy test machine's disk does not trip.
func kubeletConfig(healthzPort int) string {
	return fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://%[1]s
cgroupDriver: cgroupfs
cgroupRoot: /%[2]s
failCgroupV1: false
failSwapOn: false
address: %[3]s
healthzBindAddress: 127.0.0.1
healthzPort: %[4]d
readOnlyPort: 0
clusterDNS: [%[3]s]
clusterDomain: %[5]s
resolvConf: %[6]s
podLogsDir: %[7]s
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization:
  mode: AlwaysAllow
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%%", imagefs.available: "1%%"}
localStorageCapacityIsolation: false
maxPods: 50
`, containerdSocket(), cgroupParent, RealNodeIP, healthzPort, clusterDomain,
		filepath.Join(nodeRun, "resolv.conf"), filepath.Join(nodeData, "pod-logs"))
}

// kubeProxyConfig is kube-proxy's configuration: iptables mode for the pod subnet, node ports
// only on the node's bridge address, and conntrack sysctls left as they are.
func kubeProxyConfig(kubeconfig string, healthzPort, metricsPort int) string {
	return fmt.Sprintf(`apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: %[1]s
hostnameOverride: %[2]s
bindAddress: %[3]s
healthzBindAddress: 127.0.0.1:%[4]d
metricsBindAddress: 127.0.0.1:%[5]d
nodePortAddresses: [%[3]s/32]
clientConnection:
  kubeconfig: %[6]s
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  localhostNodePorts: false
`, podSubnet, RealNodeName, RealNodeIP, healthzPort, metricsPort, kubeconfig)
}

// corefile is CoreDNS's configuration: the cluster's names from the API server, and nothing
// else (no upstream: pods resolve only what the cluster holds).
func corefile(kubeconfig string, readyPort int) string {
	return strings.ReplaceAll(fmt.Sprintf(`%[1]s:53 in-addr.arpa:53 ip6.arpa:53 {
  bind %[2]s
  errors
  ready 127.0.0.1:%[3]d
  kubernetes %[1]s in-addr.arpa ip6.arpa {
    kubeconfig %[4]s
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
  cache 5
}
.:53 {
  bind %[2]s
  errors
  template ANY ANY {
    rcode NXDOMAIN
  }
}
`, clusterDomain, RealNodeIP, readyPort, kubeconfig), "\t", "  ")
}
