// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Resolver maps host:port pairs to other addresses, like curl's --resolve. The operator uses it
// only when it runs outside the cluster (make run, the local demo, the end-to-end suite, the
// benchmark), where Service DNS names do not resolve. A host "*.suffix" maps every host that
// ends in ".suffix" (an exact entry wins). The URL, and so the Host header, stays unchanged. It
// is safe for concurrent use, and a nil Resolver maps nothing.
type Resolver struct {
	mu      sync.RWMutex
	entries map[string]string
}

// NewResolver returns an empty Resolver.
func NewResolver() *Resolver {
	return &Resolver{entries: map[string]string{}}
}

// ParseResolve parses one "host:port:address" entry; address may be "ip" or "ip:port" (an IPv6
// address in brackets). Without a port in address, the original port is kept.
func ParseResolve(entry string) (hostPort, address string, err error) {
	host, rest, ok := strings.Cut(entry, ":")
	if !ok || host == "" {
		return "", "", fmt.Errorf("--resolve %q: want host:port:address", entry)
	}
	port, addr, ok := strings.Cut(rest, ":")
	if !ok || addr == "" {
		return "", "", fmt.Errorf("--resolve %q: want host:port:address", entry)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", "", fmt.Errorf("--resolve %q: port %q is not 1..65535", entry, port)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = net.JoinHostPort(strings.Trim(addr, "[]"), port)
	}
	return net.JoinHostPort(host, port), addr, nil
}

// Set adds or replaces one "host:port:address" entry; it makes *Resolver a flag.Value for a
// repeatable flag.
func (r *Resolver) Set(entry string) error {
	hostPort, addr, err := ParseResolve(entry)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries == nil {
		r.entries = map[string]string{}
	}
	r.entries[hostPort] = addr
	return nil
}

// String lists the entries, sorted, for flag usage output.
func (r *Resolver) String() string {
	if r == nil {
		return ""
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	entries := make([]string, 0, len(r.entries))
	for k, v := range r.entries {
		entries = append(entries, k+":"+v)
	}
	sort.Strings(entries)
	return strings.Join(entries, ",")
}

// lookup returns the address to dial for addr.
func (r *Resolver) lookup(addr string) string {
	if r == nil {
		return addr
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if mapped, ok := r.entries[addr]; ok {
		return mapped
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	// The longest matching suffix wins: *.team.svc.cluster.local before *.svc.cluster.local.
	for labels := strings.Split(host, "."); len(labels) > 1; labels = labels[1:] {
		if mapped, ok := r.entries[net.JoinHostPort("*."+strings.Join(labels[1:], "."), port)]; ok {
			return mapped
		}
	}
	return addr
}

// maps reports whether the Resolver has an entry for addr.
func (r *Resolver) maps(addr string) bool {
	return r.lookup(addr) != addr
}

// dialContext dials the mapped address for a known host:port, and the address itself otherwise.
func (r *Resolver) dialContext(dialer *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, r.lookup(addr))
	}
}
