// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	operatorsv1alpha1 "github.com/operator-framework/api/pkg/operators/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestStatusDescriptorsCoverWhatTheOperatorWrites: every status field of a reconciled, Ready
// MCPServer has a status descriptor in the bundle's CSV, so the OpenShift console can show it.
func TestStatusDescriptorsCoverWhatTheOperatorWrites(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "bundle", "manifests", "mcp-operator.clusterserviceversion.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	csv := &operatorsv1alpha1.ClusterServiceVersion{}
	if err := yaml.Unmarshal(raw, csv); err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for _, owned := range csv.Spec.CustomResourceDefinitions.Owned {
		if owned.Version != mcpv1beta1.GroupVersion.Version {
			continue // the operator writes v1beta1; v1alpha1's status is its conversion
		}
		for _, d := range owned.StatusDescriptors {
			described[d.Path] = true
		}
	}

	ns := newNamespace(t)
	s := newServer(t, ns, "described", nil)
	startMCPServerFor(t, s, mcptest.ServerOptions{Name: "described", Version: "1", Instructions: "Use it.", Tools: []string{"t"}})
	waitForDeployment(t, key(s))
	makeAvailable(t, key(s))
	got := waitForCondition(t, key(s), mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable)
	got.Status.HandshakeRetryCount = 1 // written on failures; make sure it is looked at too
	status, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&got.Status)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range statusPaths(status, "") {
		if !described[path] {
			t.Errorf("status field %s has no status descriptor in the CSV", path)
		}
	}
}

// statusPaths lists every field of a status in descriptor notation; conditions count as one.
func statusPaths(obj map[string]any, prefix string) []string {
	var paths []string
	for k, v := range obj {
		path := prefix + k
		paths = append(paths, path)
		if m, ok := v.(map[string]any); ok {
			paths = append(paths, statusPaths(m, path+".")...)
		}
	}
	sort.Strings(paths)
	return paths
}
