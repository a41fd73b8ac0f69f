// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// outboxSize bounds the messages queued for a child's stdin: a child that stops reading
// its input fails the requests that find the queue full instead of blocking them.
const outboxSize = 64

// child is one running stdio MCP server process: its stdin fed from a bounded queue, its
// stdout read line by line into JSON-RPC messages, its stderr copied to the bridge's.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	outbox chan []byte
	// exited is closed when the process has exited and its stdout is drained; err says how.
	exited  chan struct{}
	err     error
	started time.Time
	stderr  *tailWriter

	stopOnce sync.Once
}

// startChild starts argv as a process group of its own (so that stopping it reaches the
// processes it starts, as npx's node), and calls deliver for every message it writes.
func startChild(o *Options, deliver func(jsonrpc.Message)) (*child, error) {
	cmd := exec.Command(o.Command[0], o.Command[1:]...)
	// Pdeathsig: a bridge that dies (it is the container's first process) takes its servers.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c := &child{cmd: cmd, outbox: make(chan []byte, outboxSize), exited: make(chan struct{}),
		stderr: &tailWriter{w: o.Stderr}}
	cmd.Stderr = c.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := processes.start(cmd); err != nil {
		return nil, fmt.Errorf("starting %s: %w", o.Command[0], err)
	}
	c.started = time.Now()
	go c.writeLoop(o)
	go func() {
		readMessages(stdout, o, deliver)
		c.err = processes.wait(cmd)
		close(c.exited)
	}()
	return c, nil
}

// writeLoop copies queued messages to stdin until the queue is closed or stdin breaks.
func (c *child) writeLoop(o *Options) {
	for line := range c.outbox {
		if _, err := c.stdin.Write(line); err != nil {
			o.Log.Warn("writing to the MCP server's stdin", "err", err)
			break
		}
	}
	_ = c.stdin.Close()
	// Drain what is still queued so that senders never block on a dead child.
	for range c.outbox {
	}
}

// send queues a message for the child's stdin.
func (c *child) send(msg jsonrpc.Message) (err error) {
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return err
	}
	defer func() {
		if recover() != nil { // the outbox is closed: the child is stopping
			err = errChildGone
		}
	}()
	select {
	case <-c.exited:
		return errChildGone
	case c.outbox <- append(data, '\n'):
		return nil
	default:
		return errors.New("the MCP server is not reading its input (its queue is full)")
	}
}

var errChildGone = errors.New("the MCP server process has exited")

// stop ends the process as MCP's stdio transport says a client should: close its stdin,
// wait, then SIGTERM, wait, then SIGKILL, to its whole process group. What the process started
// and left behind in its group goes with it: the session it served is over.
func (c *child) stop(grace time.Duration) {
	c.stopOnce.Do(func() { close(c.outbox) })
	defer func() { _ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL) }()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		select {
		case <-c.exited:
			return
		case <-time.After(grace):
		}
		_ = syscall.Kill(-c.cmd.Process.Pid, sig)
	}
	<-c.exited
}

// exitReason says how the child ended, with the last line of its stderr.
func (c *child) exitReason() string {
	reason := "exited"
	if c.err != nil {
		reason = c.err.Error()
	}
	if last := c.stderr.lastLine(); last != "" {
		reason += ": " + last
	}
	return reason
}

// readMessages reads newline-delimited JSON-RPC messages until EOF. A line that is not a
// JSON-RPC message (a log line on the wrong stream) or is longer than the limit is logged
// and skipped; a response too long to keep is answered with an error for its request.
func readMessages(r io.Reader, o *Options, deliver func(jsonrpc.Message)) {
	br := bufio.NewReaderSize(r, 64*1024)
	for {
		line, tooLong, err := readLine(br, o.MaxMessageBytes)
		if tooLong != nil {
			o.Log.Warn("the MCP server wrote a message longer than the limit; skipped", "limit", o.MaxMessageBytes, "start", preview(tooLong))
			if id, ok := sniffID(tooLong); ok {
				deliver(&jsonrpc.Response{ID: id, Error: &jsonrpc.Error{Code: jsonrpc.CodeInternalError,
					Message: fmt.Sprintf("the MCP server's answer is longer than the bridge's limit of %d bytes", o.MaxMessageBytes)}})
			}
		} else if trimmed := strings.TrimSpace(string(line)); trimmed != "" {
			msg, derr := jsonrpc.DecodeMessage([]byte(trimmed))
			if derr != nil {
				o.Log.Warn("the MCP server wrote a line that is not a JSON-RPC message; skipped", "line", preview(line), "err", derr)
			} else {
				deliver(msg)
			}
		}
		if err != nil {
			return
		}
	}
}

// readLine reads one line. A line longer than limit is consumed to its end and returned as
// tooLong (its first bytes only), never held whole.
func readLine(br *bufio.Reader, limit int) (line, tooLong []byte, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if tooLong != nil {
			if err == bufio.ErrBufferFull {
				continue
			}
			return nil, tooLong, err
		}
		line = append(line, chunk...)
		if len(line) > limit {
			tooLong, line = line[:min(len(line), 512)], nil
			if err == bufio.ErrBufferFull {
				continue
			}
			return nil, tooLong, err
		}
		if err != bufio.ErrBufferFull {
			return line, nil, err
		}
	}
}

// sniffID finds the id of a JSON-RPC response from the start of its line, where encoders
// put it ({"jsonrpc":"2.0","id":7,...}), so that an answer too long to keep still ends its
// request.
func sniffID(start []byte) (jsonrpc.ID, bool) {
	s := string(start)
	i := strings.Index(s, `"id":`)
	if i < 0 || strings.Contains(s[:i], `"method"`) {
		return jsonrpc.ID{}, false
	}
	rest := strings.TrimSpace(s[i+len(`"id":`):])
	end := strings.IndexAny(rest, ",}")
	if end < 0 {
		return jsonrpc.ID{}, false
	}
	msg, err := jsonrpc.DecodeMessage([]byte(`{"jsonrpc":"2.0","id":` + rest[:end] + `,"result":{}}`))
	if err != nil {
		return jsonrpc.ID{}, false
	}
	return msg.(*jsonrpc.Response).ID, true
}

// preview is the start of a line, for logs.
func preview(b []byte) string {
	const n = 200
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// tailWriter copies a child's stderr to the bridge's and keeps its last line, which names
// why a server that exits failed.
type tailWriter struct {
	w    io.Writer
	mu   sync.Mutex
	tail []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.tail = append(t.tail, p...)
	if len(t.tail) > 4096 {
		t.tail = t.tail[len(t.tail)-4096:]
	}
	t.mu.Unlock()
	if t.w == nil {
		return len(p), nil
	}
	return t.w.Write(p)
}

func (t *tailWriter) lastLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.tail)), "\n")
	return preview([]byte(lines[len(lines)-1]))
}
