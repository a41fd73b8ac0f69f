// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// streamQueue bounds the messages kept for a session's event stream while no client reads
// it: the oldest are dropped first.
const streamQueue = 256

// A session is one MCP session of a client: the process that serves it, and the messages of
// the server (notifications, its requests) for the client's event stream (GET).
type session struct {
	id   string
	proc *process
	// own says the process is the session's own (PerSession), to stop with it.
	own bool
	o   *Options

	mu        sync.Mutex
	lastUsed  time.Time
	busy      int // requests in flight
	queue     [][]byte
	streaming bool
	wake      chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
}

func newSession(id string, o *Options) *session {
	return &session{id: id, o: o, lastUsed: time.Now(), wake: make(chan struct{}, 1), closed: make(chan struct{})}
}

// push queues a message of the server for the client's event stream.
func (s *session) push(msg *jsonrpc.Request) {
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return
	}
	s.mu.Lock()
	if len(s.queue) >= streamQueue {
		s.queue = s.queue[1:]
		s.o.Log.Warn("a session's event stream is not read; dropped its oldest message", "session", s.id)
	}
	s.queue = append(s.queue, data)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// begin and end bracket a request, which keeps the session from expiring.
func (s *session) begin() {
	s.mu.Lock()
	s.busy++
	s.lastUsed = time.Now()
	s.mu.Unlock()
}

func (s *session) end() {
	s.mu.Lock()
	s.busy--
	s.lastUsed = time.Now()
	s.mu.Unlock()
}

// idleSince reports whether the session has done nothing since before t.
func (s *session) idleSince(t time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy == 0 && !s.streaming && s.lastUsed.Before(t)
}

// serveStream is the client's event stream: the server's messages as server-sent events,
// until the client goes away or the session ends. One stream at a time, as the transport
// allows.
func (s *session) serveStream(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	s.mu.Lock()
	if s.streaming {
		s.mu.Unlock()
		http.Error(w, "Conflict: this session already has an event stream", http.StatusConflict)
		return
	}
	s.streaming = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.streaming = false
		s.lastUsed = time.Now()
		s.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set(sessionHeader, s.id)
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	for {
		s.mu.Lock()
		pending := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, data := range pending {
			if _, err := fmt.Fprintf(w, "event: message\ndata: %s\n\n", data); err != nil {
				return
			}
		}
		flusher.Flush()
		select {
		case <-s.wake:
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
}

// close ends the session: its event stream, and its own process.
func (s *session) close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		if s.own {
			s.proc.stop()
		}
	})
}
