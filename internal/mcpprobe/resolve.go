package mcpprobe

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Resolver maps host:port pairs to other addresses, like curl's --resolve. The operator uses it
// only when it runs outside the cluster (make run, the local demo, the end-to-end suite), where
// Service DNS names do not resolve. The URL, and so the Host header, stays unchanged.
type Resolver map[string]string

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

// Set adds one "host:port:address" entry; it makes Resolver a flag.Value for repeated flags.
func (r Resolver) Set(entry string) error {
	hostPort, addr, err := ParseResolve(entry)
	if err != nil {
		return err
	}
	r[hostPort] = addr
	return nil
}

// String lists the entries, for flag usage output.
func (r Resolver) String() string {
	entries := make([]string, 0, len(r))
	for k, v := range r {
		entries = append(entries, k+"->"+v)
	}
	return strings.Join(entries, ",")
}

// dialContext dials the mapped address for a known host:port, and the address itself otherwise.
func (r Resolver) dialContext(dialer *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if mapped, ok := r[addr]; ok {
			addr = mapped
		}
		return dialer.DialContext(ctx, network, addr)
	}
}
