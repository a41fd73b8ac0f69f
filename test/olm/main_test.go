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
	"testing"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
	"github.com/mcp-operator/mcp-operator/internal/testing/olm"
)

var (
	bed *nodebed.Bed
	lm  *olm.OLM
)

func TestMain(m *testing.M) {
	ctrllog.SetLogger(logr.Discard())
	nodebed.Suite{
		Name: "OLM",
		Unsupported: func() string {
			if _, err := olm.Binaries(); err != nil {
				return err.Error()
			}
			return ""
		},
		// The real node is the machine's one: the start waits while another suite holds it.
		Timeout: 25 * time.Minute,
		Setup: func(ctx context.Context, b *nodebed.Bed) error {
			bed = b
			var err error
			if lm, err = olm.Install(ctx, bed); err != nil {
				return fmt.Errorf("installing OLM: %w", err)
			}
			if err := serveCatalog(ctx); err != nil {
				return fmt.Errorf("serving the catalog: %w", err)
			}
			return nil
		},
	}.Main(m)
}
