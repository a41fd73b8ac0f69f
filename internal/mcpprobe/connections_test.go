// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"errors"
	"io"
	"net"
	"testing"
)

// TestConnectionsDialledAfterTheAttemptAreClosed: net/http may finish a dial after the attempt
// ended (one started for a request an idle connection then served); that connection is closed
// at once, not left open in the ended attempt's pool.
func TestConnectionsDialledAfterTheAttemptAreClosed(t *testing.T) {
	var c connections
	early, earlyPeer := net.Pipe()
	if !c.add(early) {
		t.Fatal("a connection dialled during the attempt was refused")
	}
	c.closeAll()
	late, latePeer := net.Pipe()
	if c.add(late) {
		t.Error("a connection dialled after the attempt ended was kept")
	}
	for name, peer := range map[string]net.Conn{"during": earlyPeer, "after": latePeer} {
		if _, err := peer.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Errorf("connection dialled %s the attempt: read %v from its peer, want EOF (closed)", name, err)
		}
	}
}
