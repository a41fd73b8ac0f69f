// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
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
