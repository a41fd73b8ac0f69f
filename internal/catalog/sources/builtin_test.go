// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package sources

import (
	"strings"
	"testing"
)

func TestBuiltinCatalogLoads(t *testing.T) {
	s := NewStore()
	if err := s.LoadBuiltin(); err != nil {
		t.Fatal(err)
	}
	if p := s.Problems(); len(p) != 0 {
		t.Fatalf("the shipped catalog has problems: %v", p)
	}
	var names []string
	remote := 0
	for _, e := range s.Entries() {
		names = append(names, e.Name)
		if e.Remote {
			remote++
		}
	}
	if !strings.Contains(strings.Join(names, ","), "openshift-mcp-server") || remote == 0 {
		t.Errorf("the shipped catalog %v lacks the OpenShift MCP server or a remote server", names)
	}
}
