// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package localcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// The programs RestartControlPlaneProgram can restart.
const (
	APIServer = "kube-apiserver"
	Etcd      = "etcd"
)

// RestartControlPlaneProgram kills kube-apiserver or etcd with SIGKILL, as a crash would, starts
// it again with the same flags, certificates and data, and returns once the API server answers
// ready again (its readiness includes etcd). It returns how long the API server was unavailable.
func (c *Cluster) RestartControlPlaneProgram(ctx context.Context, name string) (time.Duration, error) {
	start := time.Now()
	argv, err := c.kill(name)
	if err != nil {
		return 0, err
	}
	proc, err := StartProcess(c.dir, name, nil, argv[0], argv[1:]...)
	if err != nil {
		return 0, err
	}
	c.restarted[name] = proc
	if err := c.waitReady(ctx, proc); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// kill ends the running program and returns the command line it ran with.
func (c *Cluster) kill(name string) ([]string, error) {
	if proc, ok := c.restarted[name]; ok {
		argv := slices.Clone(proc.cmd.Args) // StartProcess ran the binary by its path
		proc.Kill()
		return argv, nil
	}
	// The first time, the program is envtest's child: find it among this process's children.
	pid, argv, err := childProcess(name)
	if err != nil {
		return nil, err
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return nil, fmt.Errorf("killing %s: %w", name, err)
	}
	// envtest waits for its child, which frees the PID; until then the ports stay taken.
	err = wait.PollUntilContextTimeout(context.Background(), 20*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH), nil
	})
	return argv, err
}

// waitReady polls the API server's /readyz until it answers ok.
func (c *Cluster) waitReady(ctx context.Context, proc *Process) error {
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		return err
	}
	return wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		if exited, err := proc.Exited(); exited {
			return false, fmt.Errorf("%s exited after its restart (%v); its log:\n%s", proc.Name, err, proc.Tail(30))
		}
		_, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil, nil
	})
}

// childProcess finds the child of this process whose program is named name, and its command line.
func childProcess(name string) (int, []string, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, nil, err
	}
	self := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// stat is "pid (comm) state ppid ...", and comm may hold spaces.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) < 2 || fields[1] != self {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
		if filepath.Base(argv[0]) == name {
			return pid, argv, nil
		}
	}
	return 0, nil, fmt.Errorf("no %s is running as a child of this process", name)
}
