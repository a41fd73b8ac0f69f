// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package olm installs, upgrades and removes the operator with operator-lifecycle-manager, as an
// admin does from OperatorHub: OLM v0.38.0 (built from its module) runs as pods on the test
// bed's real node, the catalog image (opm serving catalog-source/catalog) runs as OLM's registry
// pod of catalog-source/catalogsource.yaml, and catalog-source's OperatorGroup and Subscription
// are applied as shipped. It needs root; elsewhere it skips with the reason, and under CI it
// never skips. Its tests run in order, each on what the one before left.
package olm

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
	"github.com/mcp-operator/mcp-operator/internal/testing/olm"
)

var (
	bed *nodebed.Bed
	lm  *olm.OLM
)

func TestMain(m *testing.M) {
	why := localcluster.RealNodeUnsupported()
	if why == "" {
		if _, err := olm.Binaries(); err != nil {
			why = err.Error()
		}
	}
	if why != "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "OLM suite: CI=true and this machine cannot run it:", why)
			os.Exit(1)
		}
		fmt.Println("skipping the OLM suite:", why)
		os.Exit(0)
	}
	os.Exit(run(m))
}

func run(m *testing.M) (code int) {
	ctrllog.SetLogger(logr.Discard())
	dir, err := os.MkdirTemp("", "olm-suite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The real node is the machine's one: this waits while another suite holds it.
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
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
	fmt.Printf("OLM suite: cluster and real node up after %s\n", time.Since(start).Round(time.Second))
	if lm, err = olm.Install(ctx, bed); err != nil {
		fmt.Fprintln(os.Stderr, "installing OLM:", err)
		return 1
	}
	fmt.Printf("OLM suite: OLM's operators Available after %s\n", time.Since(start).Round(time.Second))
	if err := serveCatalog(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "serving the catalog:", err)
		return 1
	}
	fmt.Printf("OLM suite: the catalog is READY after %s\n", time.Since(start).Round(time.Second))
	return m.Run()
}
