// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestVendoredPatternFlyIsThePinnedPackage holds the committed files to what this command
// writes from the pinned tarball: nothing edited by hand, nothing stale, nothing extra.
func TestVendoredPatternFlyIsThePinnedPackage(t *testing.T) {
	tgz := os.Getenv("TEST_ASSET_PATTERNFLY_TGZ")
	if _, err := os.Stat(tgz); tgz == "" || err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("TEST_ASSET_PATTERNFLY_TGZ (%q) is missing: make test fetches it with hack/web-assets.sh", tgz)
		}
		t.Skip("the PatternFly tarball is not fetched: run make test (it runs hack/web-assets.sh)")
	}
	want, err := Vendor(tgz)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "internal", "catalog", "page", "web", "vendor", "patternfly")
	committed := map[string]bool{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := filepath.ToSlash(rel)
		committed[name] = true
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if w, ok := want[name]; !ok {
			t.Errorf("%s is not part of PatternFly's vendored files: run go run ./hack/vendor-patternfly", name)
		} else if !bytes.Equal(got, w) {
			t.Errorf("%s differs from PatternFly %s: run go run ./hack/vendor-patternfly", name, Version)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range want {
		if !committed[name] {
			t.Errorf("%s is missing: run go run ./hack/vendor-patternfly", name)
		}
	}
}
