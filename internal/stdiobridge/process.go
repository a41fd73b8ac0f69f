// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// A process is a supervised stdio MCP server: the current child, the calls it owes answers
// to (under ids of the bridge's, so that the calls of many sessions never collide), and the
// initialize handshake, replayed when a crashed child is restarted with backoff.
type process struct {
	o *Options
	// notify receives what the child sends that is not an answer: notifications, and requests
	// of the server to the client.
	notify func(*jsonrpc.Request)

	mu      sync.Mutex
	cur     *child
	ready   chan struct{} // closed when cur is started and initialized (replaced on restart)
	downErr error         // why there is no child now, while restarting
	nextID  int64
	pending map[int64]*pendingCall
	// initialize's params and the answer, once a handshake has been made; initialized says
	// whether the client has sent notifications/initialized, which a restart sends too.
	initParams  json.RawMessage
	initResult  json.RawMessage
	initialized bool
	failures    int
	stopped     bool
}

type pendingCall struct {
	clientID jsonrpc.ID
	answer   chan *jsonrpc.Response
}

// minHealthyRun is how long a child must run for its exit to count as a crash rather than
// a crash loop: the backoff starts over after it.
const minHealthyRun = time.Minute

func newProcess(o *Options, notify func(*jsonrpc.Request)) *process {
	return &process{o: o, notify: notify, pending: map[int64]*pendingCall{}, ready: make(chan struct{})}
}

// start starts the first child, making the handshake first when one is set (shared mode).
func (p *process) start() error {
	return p.launch()
}

// deliver routes a message of the child: an answer to the call waiting for it, anything else
// to notify.
func (p *process) deliver(msg jsonrpc.Message) {
	switch m := msg.(type) {
	case *jsonrpc.Response:
		id, ok := m.ID.Raw().(int64)
		p.mu.Lock()
		call := p.pending[id]
		delete(p.pending, id)
		p.mu.Unlock()
		if !ok || call == nil {
			p.o.Log.Warn("the MCP server answered a request nobody is waiting for", "id", m.ID.Raw())
			return
		}
		m.ID = call.clientID
		call.answer <- m
	case *jsonrpc.Request:
		p.notify(m)
	}
}

// call sends a request to the child and waits for its answer, the caller's context, or the
// request timeout. The answer carries the caller's id.
func (p *process) call(ctx context.Context, req *jsonrpc.Request) (*jsonrpc.Response, error) {
	c, err := p.current(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	call := &pendingCall{clientID: req.ID, answer: make(chan *jsonrpc.Response, 1)}
	p.pending[id] = call
	p.mu.Unlock()
	forget := func() {
		p.mu.Lock()
		delete(p.pending, id)
		p.mu.Unlock()
	}
	if err := c.send(&jsonrpc.Request{ID: bridgeID(id), Method: req.Method, Params: req.Params}); err != nil {
		forget()
		return nil, err
	}
	timeout := time.NewTimer(p.o.RequestTimeout)
	defer timeout.Stop()
	select {
	case answer := <-call.answer:
		return answer, nil
	case <-ctx.Done():
		forget()
		p.cancel(c, id, "the client went away")
		return nil, ctx.Err()
	case <-timeout.C:
		forget()
		p.cancel(c, id, "the bridge's request timeout passed")
		return nil, fmt.Errorf("the MCP server did not answer %s within %s", req.Method, p.o.RequestTimeout)
	}
}

// bridgeID is the JSON-RPC id of the bridge's own request number id.
func bridgeID(id int64) jsonrpc.ID {
	v, _ := jsonrpc.MakeID(float64(id))
	return v
}

// cancel tells the child to stop working on a request nobody waits for any more.
func (p *process) cancel(c *child, id int64, reason string) {
	params, _ := json.Marshal(map[string]any{"requestId": id, "reason": reason})
	_ = c.send(&jsonrpc.Request{Method: "notifications/cancelled", Params: params})
}

// forward sends a notification, or the client's answer to a request of the server, as it is.
// A cancellation names the request by the bridge's id.
func (p *process) forward(ctx context.Context, msg jsonrpc.Message) error {
	if req, ok := msg.(*jsonrpc.Request); ok && req.Method == "notifications/cancelled" {
		p.renameCancelled(req)
	}
	c, err := p.current(ctx)
	if err != nil {
		return err
	}
	return c.send(msg)
}

func (p *process) renameCancelled(req *jsonrpc.Request) {
	var params map[string]any
	if json.Unmarshal(req.Params, &params) != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, call := range p.pending {
		if fmt.Sprint(call.clientID.Raw()) == fmt.Sprint(params["requestId"]) {
			params["requestId"] = id
			req.Params, _ = json.Marshal(params)
			return
		}
	}
}

// answerNow answers a request of the current child without waiting for it to be ready: the
// child's reader calls it, mid-handshake perhaps.
func (p *process) answerNow(answer *jsonrpc.Response) {
	p.mu.Lock()
	c := p.cur
	p.mu.Unlock()
	if c != nil {
		_ = c.send(answer)
	}
}

// current waits for a started, initialized child.
func (p *process) current(ctx context.Context) (*child, error) {
	p.mu.Lock()
	ready, stopped, down := p.ready, p.stopped, p.cur == nil && p.downErr != nil
	downErr := p.downErr
	p.mu.Unlock()
	if stopped {
		return nil, errStopped
	}
	if down {
		return nil, downErr
	}
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur == nil {
		return nil, p.downErr
	}
	return p.cur, nil
}

// handshake makes the initialize handshake with the child, keeping its params and answer for
// restarts. The answer carries the caller's id.
func (p *process) handshake(ctx context.Context, req *jsonrpc.Request) (*jsonrpc.Response, error) {
	answer, err := p.call(ctx, req)
	if err != nil || answer.Error != nil {
		return answer, err
	}
	p.mu.Lock()
	p.initParams, p.initResult = req.Params, answer.Result
	p.mu.Unlock()
	return answer, nil
}

// markInitialized notes the client's notifications/initialized, which a restart repeats.
func (p *process) markInitialized() {
	p.mu.Lock()
	p.initialized = true
	p.mu.Unlock()
}

// supervise waits for the child to exit, fails the calls it owed, and restarts it with
// backoff, making the handshake again, until the process is stopped.
func (p *process) supervise(c *child) {
	<-c.exited
	c.stop(0)
	reason := c.exitReason()
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	if time.Since(c.started) >= minHealthyRun {
		p.failures = 0
	}
	p.failures++
	delay := p.o.Backoff.delay(p.failures)
	p.cur, p.ready = nil, make(chan struct{})
	p.downErr = fmt.Errorf("the MCP server process %s; restarting it in %s (%d in a row)", reason, delay.Round(time.Millisecond), p.failures)
	owed := p.pending
	p.pending = map[int64]*pendingCall{}
	p.mu.Unlock()
	p.o.Log.Warn("the MCP server process exited", "reason", reason, "restartIn", delay, "failures", p.failures)
	for _, call := range owed {
		call.answer <- &jsonrpc.Response{ID: call.clientID, Error: &jsonrpc.Error{Code: jsonrpc.CodeInternalError,
			Message: fmt.Sprintf("the MCP server process %s before answering; the bridge restarts it", reason)}}
	}
	p.notifyRestart(reason)
	time.Sleep(delay)
	p.restart()
}

// notifyRestart tells the client, as a log message, that the server's state was reset.
func (p *process) notifyRestart(reason string) {
	params, _ := json.Marshal(map[string]any{"level": "warning", "logger": bridgeName,
		"data": "the MCP server process " + reason + "; the bridge restarts it, and what the server kept for this session is gone"})
	p.notify(&jsonrpc.Request{Method: "notifications/message", Params: params})
}

// restart starts a new child after a crash, and keeps trying with backoff while it cannot.
func (p *process) restart() {
	err := p.launch()
	if err == nil || errors.Is(err, errStopped) {
		return
	}
	p.mu.Lock()
	p.failures++
	delay := p.o.Backoff.delay(p.failures)
	p.downErr = fmt.Errorf("%w; trying again in %s", err, delay.Round(time.Millisecond))
	p.mu.Unlock()
	p.o.Log.Error("restarting the MCP server", "err", err, "restartIn", delay)
	time.AfterFunc(delay, p.restart)
}

var errStopped = errors.New("the bridge is shutting down")

// launch starts a child and, when a handshake has been made before, makes it again; calls
// wait until it has.
func (p *process) launch() error {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return errStopped
	}
	c, err := startChild(p.o, p.deliver)
	if err != nil {
		p.mu.Unlock()
		return err
	}
	p.cur, p.downErr = c, nil
	params, initialized := p.initParams, p.initialized
	p.mu.Unlock()
	go p.supervise(c)
	if params != nil {
		if err := p.replayHandshake(c, params, initialized); err != nil {
			p.o.Log.Warn("making the initialize handshake with the MCP server", "err", err)
		}
	}
	p.mu.Lock()
	if p.cur == c {
		close(p.ready)
	}
	p.mu.Unlock()
	return nil
}

// replayHandshake initializes a restarted child as the first one was.
func (p *process) replayHandshake(c *child, params json.RawMessage, initialized bool) error {
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	call := &pendingCall{clientID: bridgeID(id), answer: make(chan *jsonrpc.Response, 1)}
	p.pending[id] = call
	p.mu.Unlock()
	if err := c.send(&jsonrpc.Request{ID: bridgeID(id), Method: "initialize", Params: params}); err != nil {
		return err
	}
	select {
	case answer := <-call.answer:
		if answer.Error != nil {
			return answer.Error
		}
		p.mu.Lock()
		p.initResult = answer.Result
		p.mu.Unlock()
	case <-c.exited:
		return errChildGone
	case <-time.After(p.o.RequestTimeout):
		return errors.New("no answer to initialize")
	}
	if initialized {
		return c.send(&jsonrpc.Request{Method: "notifications/initialized"})
	}
	return nil
}

// stop stops the child for good.
func (p *process) stop() {
	p.mu.Lock()
	p.stopped = true
	c := p.cur
	p.mu.Unlock()
	if c != nil {
		c.stop(p.o.StopGrace)
	}
}
