// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command installer writes the single install manifest (dist/install.yaml) from config/default;
// `make build-installer` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcp-operator/mcp-operator/internal/packaging"
)

func main() {
	root := flag.String("root", ".", "Repository root.")
	image := flag.String("image", "", "Operator image.")
	output := flag.String("output", "dist/install.yaml", "Where to write the manifest.")
	flag.Parse()
	if err := run(*root, *image, *output); err != nil {
		fmt.Fprintln(os.Stderr, "installer:", err)
		os.Exit(1)
	}
}

func run(root, image, output string) error {
	if image == "" {
		return fmt.Errorf("--image is required")
	}
	manifest, err := packaging.Installer(root, image)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(output), 0o755); err != nil {
		return err
	}
	return os.WriteFile(output, manifest, 0o644)
}
