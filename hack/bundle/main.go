// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command bundle generates the OLM bundle (bundle/, bundle.Dockerfile) from config/ and the API
// types; `make bundle` runs it. It does what `operator-sdk generate kustomize manifests` and
// `operator-sdk generate bundle` do, with github.com/operator-framework/api types.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcp-operator/mcp-operator/internal/packaging"
)

func main() {
	var o packaging.Options
	var channels string
	flag.StringVar(&o.Root, "root", ".", "Repository root.")
	flag.StringVar(&o.Package, "package", "mcp-operator", "OLM package name.")
	flag.StringVar(&o.Version, "version", "", "Bundle version (semver, without v).")
	flag.StringVar(&channels, "channels", "alpha", "Comma-separated channels of the bundle.")
	flag.StringVar(&o.DefaultChannel, "default-channel", "alpha", "Default channel of the package.")
	flag.StringVar(&o.Image, "image", "", "Operator image the CSV deploys.")
	flag.StringVar(&o.ScorecardVersion, "scorecard-version", "v1.42.0", "Tag of quay.io/operator-framework/scorecard-test.")
	flag.Parse()
	o.Channels = strings.Split(channels, ",")
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
}

func run(o packaging.Options) error {
	if o.Version == "" || o.Image == "" {
		return fmt.Errorf("--version and --image are required")
	}
	files, err := packaging.Generate(o)
	if err != nil {
		return err
	}
	// Start from an empty bundle/, so that nothing stale survives a rename.
	if err := os.RemoveAll(filepath.Join(o.Root, "bundle", "manifests")); err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(o.Root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", p)
	}
	return nil
}
