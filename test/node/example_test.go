// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package node

import "testing"

func TestBedIsUp(t *testing.T) {
	if err := bed.Cluster.Node.Healthy(); err != nil {
		t.Fatal(err)
	}
}
