// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"strings"
	"testing"
)

func TestLocalModeNeedsALoopbackAddress(t *testing.T) {
	for listen, loopback := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:8080": true,
		":8080": false, "0.0.0.0:8080": false, "10.0.0.5:8080": false, "example.com:8080": false, "garbage": false,
	} {
		if got := isLoopback(listen); got != loopback {
			t.Errorf("isLoopback(%q) = %v, want %v", listen, got, loopback)
		}
	}
	err := run(context.Background(), options{local: true, listen: ":8080"})
	if err == nil || !strings.Contains(err.Error(), "needs a loopback --listen address") {
		t.Errorf("--local on every interface: %v", err)
	}
}
