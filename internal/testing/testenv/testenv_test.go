// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFailedStartLeavesNoProcesses: when the API server refuses a CRD, Start fails and stops
// the etcd and kube-apiserver it had started.
func TestFailedStartLeavesNoProcesses(t *testing.T) {
	dir := t.TempDir()
	bad := `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-validations:
            - rule: "this is not CEL"
`
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if env, err := Start(Options{ExtraCRDPaths: []string{dir}, WithoutProjectCRDs: true}); err == nil {
		_ = env.Stop()
		t.Fatal("a CRD the API server refuses was installed")
	}
	if left := children(t, "etcd", "kube-apiserver"); len(left) > 0 {
		t.Errorf("a failed Start left %v running", left)
	}
}

// children lists this process's child processes with one of the given names.
func children(t *testing.T, names ...string) []string {
	t.Helper()
	self := strconv.Itoa(os.Getpid())
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc to read processes from")
	}
	var found []string
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		stat := string(raw)
		open, closing := strings.IndexByte(stat, '('), strings.LastIndexByte(stat, ')')
		if open < 0 || closing < 0 {
			continue
		}
		comm, fields := stat[open+1:closing], strings.Fields(stat[closing+1:])
		if len(fields) > 1 && fields[1] == self {
			for _, n := range names {
				if comm == n {
					found = append(found, comm+" "+e.Name())
				}
			}
		}
	}
	return found
}
