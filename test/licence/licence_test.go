// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package licence holds every source file of the repository to the project's licence header.
package licence

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestEveryGoFileCarriesTheLicenceHeader: the header of hack/boilerplate.go.txt (the one
// controller-gen writes into generated code) heads every Go file, after a build constraint at
// most, and the Apache-2.0 text it names is at the top of the repository.
func TestEveryGoFileCarriesTheLicenceHeader(t *testing.T) {
	root := testenv.RepoRoot()
	header, err := os.ReadFile(filepath.Join(root, "hack", "boilerplate.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(header, []byte("SPDX-License-Identifier: Apache-2.0")) {
		t.Fatalf("hack/boilerplate.go.txt does not name the licence: %s", header)
	}
	licence, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil || !bytes.Contains(licence, []byte("Apache License")) || !bytes.Contains(licence, []byte("Version 2.0, January 2004")) {
		t.Fatalf("LICENSE is not the Apache License 2.0 (%v)", err)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "*.go").Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): nothing lists the source files", err)
	}
	files := strings.Fields(string(out))
	if len(files) < 50 {
		t.Fatalf("only %d Go files listed: %v", len(files), files)
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if constraint, rest, ok := bytes.Cut(data, []byte("\n\n")); ok && bytes.HasPrefix(constraint, []byte("//go:build")) {
			data = rest
		}
		if !bytes.HasPrefix(data, header) {
			t.Errorf("%s does not start with the licence header of hack/boilerplate.go.txt", f)
		}
	}
}
