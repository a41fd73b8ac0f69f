// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package layout holds the rooms of the repository to what controllers/README.md and
// internal/README.md say they may import.
package layout

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

const module = "github.com/mcp-operator/mcp-operator"

// goList runs go list in the repository and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = testenv.RepoRoot()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestProgramsLinkNoTesting: the operator, the catalog page, the sample server and the demo are
// programs people run; the testing package (and its flags) has no place in them.
func TestProgramsLinkNoTesting(t *testing.T) {
	for _, program := range []string{".", "./cmd/mcp-catalog", "./cmd/sample-mcp-server", "./hack/demo"} {
		for _, dep := range goList(t, "-deps", program) {
			if dep == "testing" {
				t.Errorf("%s links the testing package: test support it uses must not import testing", program)
			}
		}
	}
}

// TestInternalImportsNoControllers: internal/ holds the parts the reconcilers are made of, and
// test support; none of it depends on the reconcilers.
func TestInternalImportsNoControllers(t *testing.T) {
	for _, line := range goList(t, "-f", `{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}}`, "./internal/...") {
		pkg, imports, _ := strings.Cut(line, " ")
		for _, imp := range strings.Fields(imports) {
			if imp == module+"/controllers" {
				t.Errorf("%s imports controllers", pkg)
			}
		}
	}
}

// TestTestSupportStaysInItsRoom: the packages whose job is to support tests live under
// internal/testing, and only tests and the local programs (demo, bench, chaos) use them.
func TestTestSupportStaysInItsRoom(t *testing.T) {
	for _, line := range goList(t, "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...") {
		pkg, imports, _ := strings.Cut(line, " ")
		if strings.HasPrefix(pkg, module+"/internal/testing/") || strings.HasPrefix(pkg, module+"/hack/") || strings.HasPrefix(pkg, module+"/test/") {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if strings.HasPrefix(imp, module+"/internal/testing/") {
				t.Errorf("%s, which is not a test, imports the test support %s", pkg, imp)
			}
		}
	}
}
