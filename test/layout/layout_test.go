// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package layout holds the rooms of the repository to what controllers/README.md and
// internal/README.md say they may import.
package layout

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

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

// TestProgramsLinkNoTesting: the operator, the catalog page, the stdio bridge, the sample server
// and the demo are programs people run; the testing package (and its flags) has no place in them.
func TestProgramsLinkNoTesting(t *testing.T) {
	for _, program := range []string{".", "./cmd/mcp-catalog", "./cmd/mcp-stdio-bridge", "./cmd/sample-mcp-server", "./hack/demo"} {
		for _, dep := range goList(t, "-deps", program) {
			if dep == "testing" {
				t.Errorf("%s links the testing package: test support it uses must not import testing", program)
			}
		}
	}
}

// TestBridgeLinksNoKubernetes: the stdio bridge is copied into every stdio server's pod and runs
// beside the server; it speaks MCP and nothing else, so no Kubernetes client belongs in it.
func TestBridgeLinksNoKubernetes(t *testing.T) {
	for _, dep := range goList(t, "-deps", "./cmd/mcp-stdio-bridge") {
		if strings.HasPrefix(dep, "k8s.io/") || strings.HasPrefix(dep, "sigs.k8s.io/") {
			t.Errorf("the stdio bridge links %s", dep)
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

// TestPROJECTMatchesTheTree: PROJECT (operator-sdk's and kubebuilder's record of the project,
// and the bundle's project_layout) describes this repository: its module, its layout (v3:
// main.go at the root, controllers/, api/<version>/) and each API resource and its controller.
func TestPROJECTMatchesTheTree(t *testing.T) {
	root := testenv.RepoRoot()
	raw, err := os.ReadFile(filepath.Join(root, "PROJECT"))
	if err != nil {
		t.Fatal(err)
	}
	var project struct {
		Layout    []string `json:"layout"`
		Repo      string   `json:"repo"`
		Resources []struct {
			Kind       string `json:"kind"`
			Version    string `json:"version"`
			Path       string `json:"path"`
			Controller bool   `json:"controller"`
		} `json:"resources"`
	}
	if err := yaml.Unmarshal(raw, &project); err != nil {
		t.Fatal(err)
	}
	if project.Repo != module {
		t.Errorf("PROJECT repo %q, the module is %q", project.Repo, module)
	}
	if len(project.Layout) != 1 || project.Layout[0] != "go.kubebuilder.io/v3" {
		t.Errorf("PROJECT layout %v: the tree is kubebuilder's go/v3 layout (main.go at the root, controllers/)", project.Layout)
	}
	for _, must := range []string{"main.go", "controllers", "api", "config/crd", "config/rbac", "config/manager", "config/samples", "config/manifests", "config/scorecard"} {
		if _, err := os.Stat(filepath.Join(root, must)); err != nil {
			t.Errorf("the go/v3 layout has %s: %v", must, err)
		}
	}
	if len(project.Resources) == 0 {
		t.Fatal("PROJECT lists no resources")
	}
	for _, r := range project.Resources {
		dir := filepath.Join(root, strings.TrimPrefix(r.Path, module+"/"))
		if _, err := os.Stat(dir); err != nil || filepath.Base(dir) != r.Version {
			t.Errorf("PROJECT puts %s %s in %s: %v", r.Kind, r.Version, r.Path, err)
		}
		controller := filepath.Join(root, "controllers", strings.ToLower(r.Kind)+"_controller.go")
		if _, err := os.Stat(controller); r.Controller && err != nil {
			t.Errorf("PROJECT says %s has a controller, but there is no %s", r.Kind, controller)
		}
	}
}
