// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/stdiobridge"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
)

// TestWhatAServerLeavesBehindIsReaped: a server that started a process of its own (as npx
// starts a shell and node) is stopped when its session ends; that process, which ignores
// SIGTERM, goes with the server's process group, and once re-parented to the bridge it is
// waited for, not left a zombie.
func TestWhatAServerLeavesBehindIsReaped(t *testing.T) {
	if err := stdiobridge.ReapOrphans(t.Context()); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(t.TempDir(), "orphan.pid")
	t.Setenv(pidFileEnv, pidFile)
	_, url := start(t, stdiobridge.Options{Command: childCommand(t, "forking"), Sessions: stdiobridge.PerSession})
	session, err := connect(t, url)
	if err != nil {
		t.Fatal(err)
	}
	var orphan int
	check.Eventually(t, 10*time.Second, "the server to start its own process", func() (bool, string) {
		raw, err := os.ReadFile(pidFile)
		if err != nil {
			return false, err.Error()
		}
		orphan, err = strconv.Atoi(strings.TrimSpace(string(raw)))
		return err == nil, string(raw)
	})
	if err := session.Close(); err != nil { // DELETE: the bridge stops the session's server
		t.Fatal(err)
	}
	check.Eventually(t, 20*time.Second, "the server's own process to be gone, reaped", func() (bool, string) {
		raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(orphan), "stat"))
		if os.IsNotExist(err) {
			return true, ""
		}
		return false, "/proc/" + strconv.Itoa(orphan) + "/stat: " + string(raw)
	})
}
