// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package generated checks that the generated files in the repository (DeepCopy methods, the
// CRD, RBAC, the OLM bundle, the install manifest, the catalog) are what the make targets
// produce from the current source.
package generated

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// generateTargets are the make targets whose output is committed.
var generateTargets = []string{"generate", "manifests", "bundle", "build-installer", "catalog"}

// TestGeneratedFilesAreCurrent copies the repository, runs the generators in the copy, and
// fails on any file they add, change or remove.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	root := testenv.RepoRoot()
	copyDir := t.TempDir()
	if err := copyTree(root, copyDir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", append([]string{"-C", copyDir}, generateTargets...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(generateTargets, " "), err, out)
	}
	before, err := snapshot(root)
	if err != nil {
		t.Fatal(err)
	}
	after, err := snapshot(copyDir)
	if err != nil {
		t.Fatal(err)
	}
	for path, content := range after {
		old, ok := before[path]
		switch {
		case !ok:
			t.Errorf("%s is generated but not in the repository: run make %s", path, strings.Join(generateTargets, " "))
		case !bytes.Equal(old, content):
			t.Errorf("%s is stale: run make %s", path, strings.Join(generateTargets, " "))
		}
	}
	for path := range before {
		if _, ok := after[path]; !ok {
			t.Errorf("%s is in the repository but no longer generated: remove it", path)
		}
	}
}

// skipped are folders that neither the generators read nor the comparison needs.
func skipped(rel string) bool {
	return rel == ".git" || rel == "bin"
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skipped(rel) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, info.Mode().Perm())
	})
}

// snapshot reads every file of a tree, by relative path.
func snapshot(root string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if d.IsDir() && skipped(rel) {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	return files, err
}

// maintainerWording is what the project's own notes say and a user reading `kubectl explain`
// should not meet.
var maintainerWording = []string{"ours", "upstream", "beyond the", "SIG Apps", "TODO"}

// TestCRDDescriptionsSpeakToUsers: the CRD's descriptions (from the API's doc comments) are
// what `kubectl explain` and the OpenShift console show; they describe fields, not the
// project's history.
func TestCRDDescriptionsSpeakToUsers(t *testing.T) {
	crds, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "config", "crd", "bases", "*.yaml"))
	if err != nil || len(crds) == 0 {
		t.Fatalf("no CRD found (%v)", err)
	}
	for _, crd := range crds {
		for _, u := range check.ReadManifests(t, crd) {
			walkDescriptions(u.Object, "", func(path, description string) {
				for _, word := range maintainerWording {
					if strings.Contains(strings.ToLower(description), strings.ToLower(word)) {
						t.Errorf("%s: %s: the description says %q: %q", filepath.Base(crd), path, word, description)
					}
				}
			})
		}
	}
}

// walkDescriptions calls fn with every "description" of a decoded manifest and its path.
func walkDescriptions(v any, path string, fn func(path, description string)) {
	switch v := v.(type) {
	case map[string]any:
		for key, child := range v {
			if s, ok := child.(string); ok && key == "description" {
				fn(path, s)
				continue
			}
			walkDescriptions(child, path+"."+key, fn)
		}
	case []any:
		for _, child := range v {
			walkDescriptions(child, path+"[]", fn)
		}
	}
}
