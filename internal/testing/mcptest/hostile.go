// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcptest

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Hostile listeners: each accepts connections and misbehaves in its own way, for tests and the
// chaos run that hold the operator's handshakes to their bounds.

// Hang accepts connections and never answers, holding them until the client gives up.
func Hang(ctx context.Context, l net.Listener) {
	serveConns(ctx, l, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

// Slowloris reads the request, then sends a valid-looking response one byte a second.
func Slowloris(ctx context.Context, l net.Listener) {
	serveConns(ctx, l, func(c net.Conn) {
		buf := make([]byte, 4096)
		if _, err := c.Read(buf); err != nil {
			return
		}
		response := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{"
		for {
			for i := range len(response) {
				if _, err := c.Write([]byte{response[i]}); err != nil {
					return
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Second):
				}
			}
			response = " "
		}
	})
}

// Garbage answers every request at once, with 200 OK and random bytes declared as JSON.
func Garbage(ctx context.Context, l net.Listener) {
	serveConns(ctx, l, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
			body := make([]byte, 8192)
			_, _ = rand.Read(body)
			header := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
			if _, err := c.Write(append([]byte(header), body...)); err != nil {
				return
			}
		}
	})
}

// serveConns runs handle for every connection until ctx ends, then closes them all.
func serveConns(ctx context.Context, l net.Listener, handle func(net.Conn)) {
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	go func() {
		<-ctx.Done()
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for c := range open {
			_ = c.Close()
		}
	}()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		mu.Lock()
		open[c] = true
		mu.Unlock()
		go func() {
			defer func() {
				mu.Lock()
				delete(open, c)
				mu.Unlock()
				_ = c.Close()
			}()
			handle(c)
		}()
	}
}

// StartHostile listens on a free local port and serves it with serve until ctx ends.
func StartHostile(ctx context.Context, serve func(context.Context, net.Listener)) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go serve(ctx, l)
	return l.Addr().String(), nil
}
