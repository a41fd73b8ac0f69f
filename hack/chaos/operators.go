// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
)

// leaseName is the operator's leader election Lease (main.go's leaderElectionID).
const leaseName = "mcp-operator.mcp.x-k8s.io"

// replica is one operator process, with leader election on; it can be killed and started again
// with the same flags.
type replica struct {
	name, binary, dir string
	args              []string
	metrics           string

	mu   sync.Mutex
	proc *localcluster.Process
	// starts counts the times the process was started.
	starts int
}

func newReplica(dir, binDir, name, kubeconfig string, resolve, webhookArgs []string, reverify time.Duration) *replica {
	metrics := fmt.Sprintf("127.0.0.1:%d", localcluster.FreePort())
	args := []string{
		"--kubeconfig=" + kubeconfig, "--leader-elect",
		"--leader-election-namespace=" + operatorNamespace, "--operator-namespace=" + operatorNamespace,
		fmt.Sprintf("--health-probe-bind-address=127.0.0.1:%d", localcluster.FreePort()),
		"--metrics-bind-address=" + metrics, "--metrics-secure=false",
		"--reverify-interval=" + reverify.String(),
	}
	for _, r := range resolve {
		args = append(args, "--resolve="+r)
	}
	args = append(args, webhookArgs...)
	return &replica{name: name, binary: filepath.Join(binDir, "manager"), dir: dir, args: args, metrics: metrics}
}

func (r *replica) start() error {
	proc, err := localcluster.StartProcess(r.dir, r.name, nil, r.binary, r.args...)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.proc = proc
	r.starts++
	return nil
}

func (r *replica) process() *localcluster.Process {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.proc
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would; supervise starts it again.
func (r *replica) kill() { r.process().Kill() }

func (r *replica) alive() bool {
	exited, _ := r.process().Exited()
	return !exited
}

// supervise starts again every replica that has ended, as the kubelet would restart the
// container, until ctx ends.
func supervise(ctx context.Context, replicas []*replica) {
	_ = wait.PollUntilContextCancel(ctx, 500*time.Millisecond, false, func(context.Context) (bool, error) {
		for _, r := range replicas {
			if !r.alive() {
				if err := r.start(); err != nil {
					say("starting %s again: %v", r.name, err)
				}
			}
		}
		return false, nil
	})
}

// metric reads one of the replica's metrics; ok is false when it does not answer.
func (r *replica) metric(ctx context.Context, name string) (float64, bool) {
	v, found, err := localcluster.Metric(ctx, r.metrics, name)
	return v, found && err == nil
}

func (r *replica) leading(ctx context.Context) bool {
	v, ok := r.metric(ctx, "leader_election_master_status")
	return ok && v == 1
}

// leader waits until exactly one replica says it leads, and returns it.
func leader(ctx context.Context, replicas []*replica, timeout time.Duration) (*replica, error) {
	var found *replica
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		found = nil
		for _, r := range replicas {
			if r.alive() && r.leading(ctx) {
				if found != nil {
					return false, nil
				}
				found = r
			}
		}
		return found != nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for one operator replica to lead: %w", err)
	}
	return found, nil
}

// leaseHolder reads who holds the leader election Lease.
func leaseHolder(ctx context.Context, c client.Client) string {
	var lease coordinationv1.Lease
	if err := c.Get(ctx, client.ObjectKey{Namespace: operatorNamespace, Name: leaseName}, &lease); err != nil || lease.Spec.HolderIdentity == nil {
		return ""
	}
	return *lease.Spec.HolderIdentity
}
