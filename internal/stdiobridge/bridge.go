// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

const sessionHeader = "Mcp-Session-Id"

// Bridge is the HTTP handler of a bridged stdio server's MCP endpoint: POST for messages of
// the client, GET for the server's event stream, DELETE to end a session.
type Bridge struct {
	o Options

	mu       sync.Mutex
	sessions map[string]*session
	closing  bool
	// shared is the one process of Shared mode.
	shared *process
	done   chan struct{}
	// closingSessions counts the sessions being closed, which Close waits for.
	closingSessions sync.WaitGroup
}

// New starts a bridge; in Shared mode it starts the server and initializes it.
func New(o Options) (*Bridge, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &Bridge{o: o, sessions: map[string]*session{}, done: make(chan struct{})}
	if o.Sessions == Shared {
		b.shared = newProcess(&b.o, b.broadcast)
		b.shared.initParams, b.shared.initialized = b.initializeParams(), true
		go b.shared.restart()
	}
	go b.expireIdle()
	return b, nil
}

// initializeParams is the bridge's own initialize request to a shared server.
func (b *Bridge) initializeParams() json.RawMessage {
	params, _ := json.Marshal(map[string]any{
		"protocolVersion": "2025-11-25",
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": bridgeName, "version": b.o.Version},
	})
	return params
}

// Sessions returns the number of open sessions.
func (b *Bridge) Sessions() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.sessions)
}

// Close ends every session and stops every server process, and returns when they are gone.
func (b *Bridge) Close() {
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		return
	}
	b.closing = true
	close(b.done)
	sessions := b.sessions
	b.sessions = map[string]*session{}
	b.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Go(s.close)
	}
	if b.shared != nil {
		wg.Go(b.shared.stop)
	}
	wg.Wait()
	b.closingSessions.Wait()
}

// ServeHTTP implements the streamable HTTP transport's endpoint.
func (b *Bridge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		b.servePOST(w, r)
	case http.MethodGet:
		if s := b.lookup(w, r); s != nil {
			s.serveStream(w, r)
		}
	case http.MethodDelete:
		if s := b.lookup(w, r); s != nil {
			b.remove(s)
			w.WriteHeader(http.StatusNoContent)
		}
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// lookup finds the request's session, or answers 400 (none named) or 404 (unknown or ended:
// the client must initialize again).
func (b *Bridge) lookup(w http.ResponseWriter, r *http.Request) *session {
	id := r.Header.Get(sessionHeader)
	if id == "" {
		writeError(w, http.StatusBadRequest, jsonrpc.ID{}, jsonrpc.CodeInvalidRequest, "Bad Request: no Mcp-Session-Id: send initialize first")
		return nil
	}
	b.mu.Lock()
	s := b.sessions[id]
	b.mu.Unlock()
	if s == nil {
		writeError(w, http.StatusNotFound, jsonrpc.ID{}, jsonrpc.CodeInvalidRequest, "session not found: it ended or never was; initialize again")
	}
	return s
}

func (b *Bridge) servePOST(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(b.o.MaxMessageBytes)))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, jsonrpc.ID{}, jsonrpc.CodeInvalidRequest, fmt.Sprintf("the message is longer than the bridge's limit of %d bytes", b.o.MaxMessageBytes))
			return
		}
		http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	msg, err := jsonrpc.DecodeMessage(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, jsonrpc.ID{}, jsonrpc.CodeParseError, "not a JSON-RPC message (batches are not supported): "+err.Error())
		return
	}
	req, isRequest := msg.(*jsonrpc.Request)
	if r.Header.Get(sessionHeader) == "" {
		if isRequest && req.IsCall() && req.Method == "initialize" {
			b.initialize(w, r, req)
			return
		}
		writeError(w, http.StatusBadRequest, requestID(msg), jsonrpc.CodeInvalidRequest, "Bad Request: no Mcp-Session-Id: send initialize first")
		return
	}
	s := b.lookup(w, r)
	if s == nil {
		return
	}
	s.begin()
	defer s.end()
	switch {
	case isRequest && req.IsCall() && req.Method == "initialize":
		writeError(w, http.StatusBadRequest, req.ID, jsonrpc.CodeInvalidRequest, "the session is initialized already")
	case isRequest && req.IsCall():
		answer, err := s.proc.call(r.Context(), req)
		if err != nil {
			answer = errorAnswer(req.ID, jsonrpc.CodeInternalError, err.Error())
		}
		writeMessage(w, http.StatusOK, answer)
	case b.shared != nil && !isRequest:
		b.o.Log.Warn("a client answered a request the bridge never sent it", "session", s.id)
		w.WriteHeader(http.StatusAccepted)
	case b.shared != nil && req.Method == "notifications/initialized":
		w.WriteHeader(http.StatusAccepted) // the bridge initialized the shared server itself
	default:
		if isRequest && req.Method == "notifications/initialized" {
			s.proc.markInitialized()
		}
		if err := s.proc.forward(r.Context(), msg); err != nil {
			writeError(w, http.StatusBadGateway, jsonrpc.ID{}, jsonrpc.CodeInternalError, err.Error())
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}
}

// initialize opens a session: in PerSession mode it starts the session's process and makes
// the client's handshake with it; in Shared mode it answers with the shared server's.
func (b *Bridge) initialize(w http.ResponseWriter, r *http.Request, req *jsonrpc.Request) {
	s, err := b.open()
	if err != nil {
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, req.ID, jsonrpc.CodeInternalError, err.Error())
		return
	}
	answer, err := b.handshake(r.Context(), s, req)
	if err != nil || answer.Error != nil {
		b.remove(s)
		if err != nil {
			answer = errorAnswer(req.ID, jsonrpc.CodeInternalError, err.Error())
		}
		// As the server's own answer, so that clients show why (most show no HTTP error body).
		writeMessage(w, http.StatusOK, answer)
		return
	}
	answer.Result = b.annotate(answer.Result)
	w.Header().Set(sessionHeader, s.id)
	writeMessage(w, http.StatusOK, answer)
}

// open makes a session, within the limit.
func (b *Bridge) open() (*session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return nil, errStopped
	}
	if len(b.sessions) >= b.o.MaxSessions {
		return nil, fmt.Errorf("the bridge serves at most %d sessions at a time; try again when one ends", b.o.MaxSessions)
	}
	s := newSession(rand.Text(), &b.o)
	if b.shared != nil {
		s.proc = b.shared
	} else {
		s.proc, s.own = newProcess(&b.o, s.push), true
	}
	b.sessions[s.id] = s
	return s, nil
}

// handshake answers a session's initialize.
func (b *Bridge) handshake(ctx context.Context, s *session, req *jsonrpc.Request) (*jsonrpc.Response, error) {
	if s.own {
		if err := s.proc.start(); err != nil {
			return nil, err
		}
		return s.proc.handshake(ctx, req)
	}
	if _, err := s.proc.current(ctx); err != nil {
		return nil, err
	}
	s.proc.mu.Lock()
	result := s.proc.initResult
	s.proc.mu.Unlock()
	if result == nil {
		return nil, errors.New("the MCP server did not answer the bridge's initialize")
	}
	return &jsonrpc.Response{ID: req.ID, Result: result}, nil
}

// remove ends a session, once. The session is counted in closingSessions under the lock, so
// that a Close that follows waits for it and a Close that came first, having taken every
// session, is left to end it.
func (b *Bridge) remove(s *session) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sessions[s.id] != s {
		return
	}
	delete(b.sessions, s.id)
	b.closingSessions.Go(s.close)
}

// broadcast passes the shared server's notifications to every session. A request of the
// server cannot be routed to one client, so it is refused.
func (b *Bridge) broadcast(msg *jsonrpc.Request) {
	if msg.IsCall() {
		b.o.Log.Warn("the shared MCP server sent a request, which the bridge cannot route to one client; refused", "method", msg.Method)
		b.shared.answerNow(errorAnswer(msg.ID, jsonrpc.CodeMethodNotFound, "the stdio bridge serves many sessions from this process: requests of the server are not supported"))
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.sessions {
		s.push(msg)
	}
}

// annotate adds the bridge's own identity to an initialize answer's _meta.
func (b *Bridge) annotate(result json.RawMessage) json.RawMessage {
	var fields map[string]json.RawMessage
	if json.Unmarshal(result, &fields) != nil {
		return result
	}
	meta := map[string]any{}
	_ = json.Unmarshal(fields["_meta"], &meta)
	meta[MetaKey] = map[string]any{"name": bridgeName, "version": b.o.Version,
		"command": filepath.Base(b.o.Command[0]), "sessions": b.o.Sessions}
	fields["_meta"], _ = json.Marshal(meta)
	out, err := json.Marshal(fields)
	if err != nil {
		return result
	}
	return out
}

// expireIdle ends the sessions that have been idle longer than the idle timeout.
func (b *Bridge) expireIdle() {
	tick := time.NewTicker(max(min(b.o.IdleTimeout/4, 30*time.Second), 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-b.done:
			return
		case now := <-tick.C:
			b.mu.Lock()
			var idle []*session
			for _, s := range b.sessions {
				if s.idleSince(now.Add(-b.o.IdleTimeout)) {
					idle = append(idle, s)
				}
			}
			b.mu.Unlock()
			for _, s := range idle {
				b.o.Log.Info("ending an idle session", "session", s.id, "idleTimeout", b.o.IdleTimeout)
				b.remove(s)
			}
		}
	}
}

func requestID(msg jsonrpc.Message) jsonrpc.ID {
	if req, ok := msg.(*jsonrpc.Request); ok {
		return req.ID
	}
	return jsonrpc.ID{}
}

func errorAnswer(id jsonrpc.ID, code int64, message string) *jsonrpc.Response {
	return &jsonrpc.Response{ID: id, Error: &jsonrpc.Error{Code: code, Message: message}}
}

func writeError(w http.ResponseWriter, status int, id jsonrpc.ID, code int64, message string) {
	writeMessage(w, status, errorAnswer(id, code, message))
}

func writeMessage(w http.ResponseWriter, status int, msg jsonrpc.Message) {
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
