// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"sync"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
)

// A behaviour is how the MCP servers of one namespace answer. Every server of a namespace is
// reached at the same local address, through the operator's --resolve.
type behaviour struct {
	namespace string
	// healthy: a correct MCP server answers there (at the end of the run, for flapping ones).
	healthy bool
	addr    string
	// count is how many MCPServers the namespace gets.
	count int
}

// hostile listeners: each accepts connections and misbehaves in its own way.

// serveHang accepts connections and never answers, holding them until the client gives up.
func serveHang(ctx context.Context, l net.Listener) {
	serveConns(ctx, l, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

// serveSlowloris reads the request, then sends a valid-looking response one byte a second.
func serveSlowloris(ctx context.Context, l net.Listener) {
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

// serveGarbage answers every request at once, with 200 OK and random bytes declared as JSON.
func serveGarbage(ctx context.Context, l net.Listener) {
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

// startHostile listens on a free local port and serves it with serve until ctx ends.
func startHostile(ctx context.Context, serve func(context.Context, net.Listener)) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go serve(ctx, l)
	return l.Addr().String(), nil
}

// sampleServer is the repository's sample MCP server, run as a process that can be stopped
// and started again at the same address (a flapping server).
type sampleServer struct {
	dir, binary, name, addr string

	mu   sync.Mutex
	proc *localcluster.Process
}

func newSampleServer(dir, binDir, name string) *sampleServer {
	return &sampleServer{dir: dir, binary: filepath.Join(binDir, "sample-mcp-server"), name: name,
		addr: fmt.Sprintf("127.0.0.1:%d", localcluster.FreePort())}
}

func (s *sampleServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		if exited, _ := s.proc.Exited(); !exited {
			return nil
		}
	}
	proc, err := localcluster.StartProcess(s.dir, s.name, nil, s.binary, "--listen="+s.addr, "--allow-any-host", "--name="+s.name)
	if err != nil {
		return err
	}
	s.proc = proc
	return waitListening(s.addr, 10*time.Second)
}

func (s *sampleServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		s.proc.Stop(2 * time.Second)
	}
}

// waitListening waits until something accepts connections at addr.
func waitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens at %s: %w", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
