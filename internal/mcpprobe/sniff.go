// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
)

// maxSniffedLine bounds the event-stream line a sniffer holds while it waits for its end;
// longer lines (large results) are skipped, a request from the server is small.
const maxSniffedLine = 64 << 10

// requestSniffer reads the event streams a server answers with and notes the JSON-RPC requests
// the server sends the client on them (sampling/createMessage, roots/list, ...). It sees them as
// the bytes are read, before the answer after them on the stream, which the go-sdk client's
// middleware, handling server requests asynchronously, does not guarantee.
type requestSniffer struct {
	io.ReadCloser
	rec      *recorder
	line     []byte
	skipping bool
}

// sniffs reports whether a response of contentType can carry requests from the server.
func sniffs(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "text/event-stream"
}

func (s *requestSniffer) Read(p []byte) (int, error) {
	n, err := s.ReadCloser.Read(p)
	for chunk := p[:n]; len(chunk) > 0; {
		end := bytes.IndexByte(chunk, '\n')
		if end < 0 {
			s.hold(chunk)
			break
		}
		s.hold(chunk[:end])
		if !s.skipping {
			s.inspect(s.line)
		}
		s.line, s.skipping = s.line[:0], false
		chunk = chunk[end+1:]
	}
	return n, err
}

// hold keeps part of the current line, unless the line is too long to be a server's request.
func (s *requestSniffer) hold(part []byte) {
	if s.skipping {
		return
	}
	if len(s.line)+len(part) > maxSniffedLine {
		s.line, s.skipping = s.line[:0], true
		return
	}
	s.line = append(s.line, part...)
}

// inspect notes the method of an event's data line when it is a request (it has an id).
func (s *requestSniffer) inspect(line []byte) {
	data, ok := bytes.CutPrefix(bytes.TrimRight(line, "\r"), []byte("data:"))
	if !ok || !bytes.Contains(data, []byte(`"method"`)) {
		return
	}
	var msg struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	if json.Unmarshal(data, &msg) != nil || msg.ID == nil || msg.Method == "" {
		return
	}
	s.rec.noteServerRequest(msg.Method)
}
