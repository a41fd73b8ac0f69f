// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package localcluster

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// nodeSysctls are the kernel settings the real node changes; cleanup puts back what they were.
var nodeSysctls = map[string]string{
	// Pods reach Services through kube-proxy's DNAT, which routes from the bridge to the bridge.
	"net/ipv4/ip_forward": "1",
	// Traffic between two pods of the bridge passes iptables, so that a pod reaches a Service
	// whose endpoint is on the same bridge.
	"net/bridge/bridge-nf-call-iptables": "1",
}

// chainPrefixes name the iptables chains of kube-proxy and of the portmap CNI plugin.
var chainPrefixes = []string{"KUBE-", "CNI-"}

// cleanupNode removes everything a real node made, whether it stopped cleanly or was killed:
// its programs and containers, mounts, network namespaces, bridge, iptables chains, cgroups,
// sysctls and folders. It is safe to call when nothing is there.
func cleanupNode(kubeProxy string) error {
	var errs []error
	killNodeProcesses()
	errs = append(errs, unmountUnder(nodeRun, nodeData))
	if kubeProxy != "" {
		// kube-proxy knows its own rules best (both families, every mode).
		_ = exec.Command(kubeProxy, "--cleanup").Run()
	}
	for _, ipt := range []string{"iptables", "ip6tables"} {
		errs = append(errs, removeChains(ipt))
	}
	if err := exec.Command("ip", "link", "show", bridgeName).Run(); err == nil {
		if out, err := exec.Command("ip", "link", "del", bridgeName).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("removing bridge %s: %v: %s", bridgeName, err, out))
		}
	}
	errs = append(errs, removeCgroups())
	errs = append(errs, restoreSysctls())
	for _, dir := range []string{nodeRun, nodeData} {
		errs = append(errs, os.RemoveAll(dir))
	}
	errs = append(errs, removeContainerLogLinks())
	return errors.Join(errs...)
}

// killNodeProcesses kills, with SIGKILL, every process whose command line names the node's
// folders (kubelet, containerd and its shims, kube-proxy, CoreDNS), then every process in the
// node's pod cgroups (the containers), and waits until they are gone.
func killNodeProcesses() {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		pids := nodeProcesses()
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func nodeProcesses() []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if strings.Contains(string(cmdline), nodeRun) || strings.Contains(string(cmdline), nodeData) {
			pids = append(pids, pid)
		}
	}
	for _, dir := range cgroupDirs() {
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.Name() != "cgroup.procs" {
				return nil
			}
			raw, _ := os.ReadFile(path)
			for _, field := range strings.Fields(string(raw)) {
				if pid, err := strconv.Atoi(field); err == nil && pid != self {
					pids = append(pids, pid)
				}
			}
			return nil
		})
	}
	return pids
}

// cgroupDirs are the node's cgroup folders, one per mounted cgroup hierarchy.
func cgroupDirs() []string {
	var dirs []string
	hierarchies, _ := os.ReadDir("/sys/fs/cgroup")
	for _, h := range hierarchies {
		dir := filepath.Join("/sys/fs/cgroup", h.Name(), cgroupParent)
		if _, err := os.Stat(dir); err == nil {
			dirs = append(dirs, dir)
		}
	}
	return dirs
}

// removeCgroups removes the node's cgroups, deepest first (a cgroup goes only once empty).
func removeCgroups() error {
	var errs []error
	for _, dir := range cgroupDirs() {
		var all []string
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				all = append(all, path)
			}
			return nil
		})
		slices.SortFunc(all, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
		for _, d := range all {
			if err := syscall.Rmdir(d); err != nil && !errors.Is(err, syscall.ENOENT) {
				errs = append(errs, fmt.Errorf("removing cgroup %s: %w", d, err))
			}
		}
	}
	return errors.Join(errs...)
}

// unmountUnder detaches every mount below the given folders, the deepest first: overlay root
// filesystems, volumes, /dev/shm of sandboxes and network namespaces.
func unmountUnder(dirs ...string) error {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	defer f.Close()
	var points []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) < 5 {
			continue
		}
		point := fields[4]
		for _, dir := range dirs {
			if point == dir || strings.HasPrefix(point, dir+"/") {
				points = append(points, point)
			}
		}
	}
	slices.SortFunc(points, func(a, b string) int { return len(b) - len(a) })
	var errs []error
	for _, p := range points {
		if err := syscall.Unmount(p, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOENT) {
			errs = append(errs, fmt.Errorf("unmounting %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}

// removeChains removes the iptables chains of chainPrefixes from every table: first the rules
// of other chains that jump to them, then their own rules, then the chains.
func removeChains(ipt string) error {
	if _, err := exec.LookPath(ipt); err != nil {
		return nil
	}
	var errs []error
	for _, table := range []string{"filter", "nat", "mangle"} {
		out, err := exec.Command(ipt, "-w", "-t", table, "-S").Output()
		if err != nil {
			continue // the table or the family is not there
		}
		var chains []string
		for _, line := range strings.Split(string(out), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			switch {
			case fields[0] == "-N" && ours(fields[1]):
				chains = append(chains, fields[1])
			case fields[0] == "-A" && !ours(fields[1]) && jumpsToOurs(fields):
				args := append([]string{"-w", "-t", table, "-D"}, fields[1:]...)
				if raw, err := exec.Command(ipt, args...).CombinedOutput(); err != nil {
					errs = append(errs, fmt.Errorf("%s %v: %v: %s", ipt, args, err, raw))
				}
			}
		}
		for _, op := range []string{"-F", "-X"} {
			for _, chain := range chains {
				if raw, err := exec.Command(ipt, "-w", "-t", table, op, chain).CombinedOutput(); err != nil {
					errs = append(errs, fmt.Errorf("%s -t %s %s %s: %v: %s", ipt, table, op, chain, err, raw))
				}
			}
		}
	}
	return errors.Join(errs...)
}

func ours(chain string) bool {
	for _, p := range chainPrefixes {
		if strings.HasPrefix(chain, p) {
			return true
		}
	}
	return false
}

func jumpsToOurs(rule []string) bool {
	for i := 0; i+1 < len(rule); i++ {
		if (rule[i] == "-j" || rule[i] == "-g") && ours(rule[i+1]) {
			return true
		}
	}
	return false
}

// removeContainerLogLinks removes kubelet's links in /var/log/containers (a folder kubelet does
// not let one configure) that point into the node's pod logs.
func removeContainerLogLinks() error {
	entries, err := os.ReadDir("/var/log/containers")
	if err != nil {
		return nil
	}
	var errs []error
	for _, e := range entries {
		path := filepath.Join("/var/log/containers", e.Name())
		if target, err := os.Readlink(path); err == nil && strings.HasPrefix(target, nodeData+"/") {
			errs = append(errs, os.Remove(path))
		}
	}
	return errors.Join(errs...)
}

// sysctlsFile keeps the sysctls as they were before the node changed them, outside the node's
// folders, so that a run killed before its cleanup still has them put back by the next.
const sysctlsFile = nodeRun + ".sysctls"

// saveSysctls records the current values of nodeSysctls, unless a record is already there.
func saveSysctls() error {
	if _, err := os.Stat(sysctlsFile); err == nil {
		return nil
	}
	var lines []string
	for key := range nodeSysctls {
		value, err := readSysctl(key)
		if err != nil {
			return fmt.Errorf("reading sysctl %s: %w", key, err)
		}
		lines = append(lines, key+"="+value)
	}
	return os.WriteFile(sysctlsFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// restoreSysctls puts back the recorded sysctls and removes the record.
func restoreSysctls() error {
	raw, err := os.ReadFile(sysctlsFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if key, value, ok := strings.Cut(line, "="); ok {
			errs = append(errs, writeSysctl(key, value))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.Remove(sysctlsFile)
}

func readSysctl(key string) (string, error) {
	raw, err := os.ReadFile(filepath.Join("/proc/sys", key))
	return strings.TrimSpace(string(raw)), err
}

func writeSysctl(key, value string) error {
	return os.WriteFile(filepath.Join("/proc/sys", key), []byte(value), 0o644)
}

// RealNodeLeftovers lists what a stopped real node left on the machine (processes, mounts,
// the bridge, iptables chains, cgroups, folders, changed sysctls); empty when it cleaned up.
func RealNodeLeftovers() []string {
	var left []string
	if pids := nodeProcesses(); len(pids) > 0 {
		left = append(left, fmt.Sprintf("processes %v", pids))
	}
	raw, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(raw), "\n") {
		if fields := strings.Fields(line); len(fields) > 4 && (strings.HasPrefix(fields[4], nodeRun) || strings.HasPrefix(fields[4], nodeData)) {
			left = append(left, "mount "+fields[4])
		}
	}
	if exec.Command("ip", "link", "show", bridgeName).Run() == nil {
		left = append(left, "bridge "+bridgeName)
	}
	for _, ipt := range []string{"iptables", "ip6tables"} {
		for _, table := range []string{"filter", "nat", "mangle"} {
			out, _ := exec.Command(ipt, "-w", "-t", table, "-S").Output()
			for _, line := range strings.Split(string(out), "\n") {
				if fields := strings.Fields(line); len(fields) > 1 && fields[0] == "-N" && ours(fields[1]) {
					left = append(left, fmt.Sprintf("%s chain %s/%s", ipt, table, fields[1]))
				}
			}
		}
	}
	for _, dir := range append(cgroupDirs(), nodeRun, nodeData, sysctlsFile) {
		if _, err := os.Stat(dir); err == nil {
			left = append(left, dir)
		}
	}
	return left
}
