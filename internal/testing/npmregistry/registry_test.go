// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package npmregistry

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestNPXRunsAServedPackage: npx fetches a package from the registry and runs it, as it does
// in the real-node suite's runtime image.
func TestNPXRunsAServedPackage(t *testing.T) {
	npx, err := exec.LookPath("npx")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("npx is needed under CI:", err)
		}
		t.Skip("npx is not installed")
	}
	r, err := Start("127.0.0.1:0", filepath.Join(testenv.RepoRoot(), "test", "node", "testdata", "mcp-echo-stdio"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, npx, "--yes", "mcp-echo-stdio@1.0.0")
	cmd.Env = append(os.Environ(), "HOME="+home, "npm_config_cache="+filepath.Join(home, "npm"), "npm_config_registry="+r.URL,
		"npm_config_update_notifier=false")
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	_ = cmd.Wait()
	if !strings.Contains(line, `"serverInfo":{"name":"mcp-echo-stdio"`) {
		t.Errorf("npx answered %q; stderr: %s", line, stderr.String())
	}
}
