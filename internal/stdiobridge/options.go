// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package stdiobridge serves an MCP server that speaks only stdio over MCP's streamable HTTP
// transport (protocol revisions 2025-03-26 to 2025-11-25), so that it runs in a pod behind a
// Service like any other MCP server. Each session gets a process of its own, or (for a
// server that keeps no session state) every session shares one; either way the number of
// sessions and their idle time are bounded, a child that exits is restarted with backoff and
// its initialize handshake replayed, and a child's output that is not JSON-RPC never reaches
// a client.
package stdiobridge

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

// bridgeName is how the bridge names itself to clients and in logs.
const bridgeName = "mcp-stdio-bridge"

// MetaKey is the key under which the bridge says, in the _meta of every initialize answer,
// that it bridges a stdio server, and which.
const MetaKey = "io.github.mcp-operator/stdio-bridge"

// Sessions says how sessions map to processes.
type Sessions string

const (
	// PerSession starts a process for each session: the server may keep session state.
	PerSession Sessions = "PerSession"
	// Shared serves every session from one process, which the bridge starts and initializes
	// itself: only for servers that keep no session state.
	Shared Sessions = "Shared"
)

// Options configure a bridge. The zero value of every field but Command is a default.
type Options struct {
	// Command is the stdio server to run: the program (looked up in PATH) and its arguments.
	// No shell is involved.
	Command []string
	// Sessions is PerSession (the default) or Shared.
	Sessions Sessions
	// MaxSessions bounds the open sessions (default 32); one more initialize is refused with
	// HTTP 503 until one ends.
	MaxSessions int
	// IdleTimeout ends a session that has had no request and no open event stream for so long
	// (default 15 minutes).
	IdleTimeout time.Duration
	// RequestTimeout bounds the wait for a server's answer (default 5 minutes).
	RequestTimeout time.Duration
	// MaxMessageBytes bounds one message either way (default 8 MiB).
	MaxMessageBytes int
	// StopGrace is how long a process is given to exit after its stdin is closed, and again
	// after SIGTERM, before SIGKILL (default 5 seconds).
	StopGrace time.Duration
	// Backoff spaces the restarts of a process that keeps exiting.
	Backoff Backoff
	// Version is the bridge's version, reported to clients.
	Version string
	// Stderr receives the servers' stderr (default os.Stderr: the container's log).
	Stderr io.Writer
	// Log receives the bridge's own messages (default: text on os.Stderr).
	Log *slog.Logger
}

// Backoff is an exponential restart delay: Initial after the first exit in a row, doubling up
// to Max. A process that ran a minute starts over.
type Backoff struct {
	Initial, Max time.Duration
}

func (b Backoff) delay(failures int) time.Duration {
	d := b.Initial
	for i := 1; i < failures && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// withDefaults fills what is unset and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if len(o.Command) == 0 || o.Command[0] == "" {
		return o, errors.New("no command to run: the stdio server's program and arguments are needed")
	}
	switch o.Sessions {
	case "":
		o.Sessions = PerSession
	case PerSession, Shared:
	default:
		return o, fmt.Errorf("sessions must be %s or %s, not %q", PerSession, Shared, o.Sessions)
	}
	o.MaxSessions = orDefault(o.MaxSessions, 32)
	o.IdleTimeout = orDefault(o.IdleTimeout, 15*time.Minute)
	o.RequestTimeout = orDefault(o.RequestTimeout, 5*time.Minute)
	o.MaxMessageBytes = orDefault(o.MaxMessageBytes, 8<<20)
	o.StopGrace = orDefault(o.StopGrace, 5*time.Second)
	o.Backoff.Initial = orDefault(o.Backoff.Initial, 500*time.Millisecond)
	o.Backoff.Max = orDefault(o.Backoff.Max, 30*time.Second)
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return o, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
