// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package node runs the operator and MCP servers in real containers: a local cluster with one
// real node (kubelet, containerd, runc, CNI bridge, kube-proxy, CoreDNS), images built by this
// repository without a container engine, and the operator installed from dist/install.yaml.
// It needs root; elsewhere it skips with the reason, and under CI it never skips.
package node

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
)

// bed is the suite's one test bed; its tests run one after another on it.
var bed *nodebed.Bed

func TestMain(m *testing.M) {
	if why := localcluster.RealNodeUnsupported(); why != "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "node suite: CI=true and this machine cannot run it:", why)
			os.Exit(1)
		}
		fmt.Println("skipping the node suite:", why)
		os.Exit(0)
	}
	os.Exit(run(m))
}

func run(m *testing.M) (code int) {
	dir, err := os.MkdirTemp("", "node-suite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	bed, err = nodebed.Start(ctx, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test bed:", err)
		return 1
	}
	bed.StopOnSignal()
	code = 1
	defer func() {
		if err := bed.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test bed:", err)
			code = 1
		}
		if left := localcluster.RealNodeLeftovers(); len(left) > 0 {
			fmt.Fprintln(os.Stderr, "the real node left behind:", left)
			code = 1
		}
		if code == 0 {
			_ = os.RemoveAll(dir)
		} else {
			fmt.Fprintln(os.Stderr, "the test bed's logs are in", dir)
		}
	}()
	fmt.Printf("node suite: cluster and real node up in %s\n", time.Since(start).Round(time.Second))
	if err := bed.InstallOperator(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "installing the operator:", err)
		return 1
	}
	fmt.Printf("node suite: operator installed and Available after %s\n", time.Since(start).Round(time.Second))
	return m.Run()
}
