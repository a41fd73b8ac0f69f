// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// TestSnifferFindsRequestsWhateverTheChunks: requests are found when the stream arrives a byte
// at a time, after a line longer than the sniffer holds, and among responses and notifications,
// which are not requests.
func TestSnifferFindsRequestsWhateverTheChunks(t *testing.T) {
	stream := strings.Join([]string{
		"event: message",
		`data: {"jsonrpc":"2.0","method":"notifications/message","params":{}}`,
		"data: " + strings.Repeat("x", maxSniffedLine+10) + `"method":"hidden","id":1`,
		`data: {"jsonrpc":"2.0","id":7,"result":{"method":"not a request"}}`,
		`data: {"jsonrpc":"2.0", "id": "a", "method": "roots/list"}` + "\r",
		`data:{"jsonrpc":"2.0","id":2,"method":"sampling/createMessage","params":{"messages":[]}}`,
		"",
	}, "\n")
	rec := &recorder{}
	s := &requestSniffer{ReadCloser: io.NopCloser(iotest.OneByteReader(strings.NewReader(stream))), rec: rec}
	if _, err := io.Copy(io.Discard, s); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(maps.Keys(rec.serverRequests()))
	if want := []string{"roots/list", "sampling/createMessage"}; !slices.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
}
