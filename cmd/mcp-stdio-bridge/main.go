// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command mcp-stdio-bridge serves a stdio-only MCP server over streamable HTTP. The operator
// ships it in its own image and injects it into the pods of MCPServers that set spec.stdio:
// an init container runs `mcp-stdio-bridge install <dir>` to copy it into an emptyDir, and
// the server's container runs it from there, with the server's command after "--":
//
//	mcp-stdio-bridge --port 8080 --path /mcp [--sessions Shared] -- npx -y some-mcp-server
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/stdiobridge"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "install" {
		if err := install(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "mcp-stdio-bridge install:", err)
			os.Exit(1)
		}
		return
	}
	if err := serve(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mcp-stdio-bridge:", err)
		os.Exit(1)
	}
}

// install copies this binary into a directory (an emptyDir the server's container mounts).
func install(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: mcp-stdio-bridge install <dir>")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	in, err := os.Open(self)
	if err != nil {
		return err
	}
	defer in.Close()
	dest := filepath.Join(args[0], "mcp-stdio-bridge")
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o555)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// serve runs the bridge until SIGTERM or SIGINT, then ends every session and stops every
// server process.
func serve(args []string) error {
	fs := flag.NewFlagSet("mcp-stdio-bridge", flag.ContinueOnError)
	port := fs.Int("port", 8080, "TCP port of the MCP endpoint.")
	path := fs.String("path", "/mcp", "HTTP path of the MCP endpoint.")
	var o stdiobridge.Options
	fs.StringVar((*string)(&o.Sessions), "sessions", string(stdiobridge.PerSession), "PerSession: a server process per session; Shared: one for all sessions (for servers that keep no session state).")
	fs.IntVar(&o.MaxSessions, "max-sessions", 32, "Sessions open at once, at most.")
	fs.DurationVar(&o.IdleTimeout, "idle-timeout", 15*time.Minute, "A session with no request and no event stream for this long ends.")
	fs.DurationVar(&o.RequestTimeout, "request-timeout", 5*time.Minute, "How long the bridge waits for the server's answer to a request.")
	fs.IntVar(&o.MaxMessageBytes, "max-message-bytes", 8<<20, "Longest message either way.")
	shutdown := fs.Duration("shutdown-timeout", 10*time.Second, "How long requests in flight may finish after SIGTERM.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Command = fs.Args()
	o.Version = version()
	o.Log = slog.New(slog.NewTextHandler(os.Stderr, nil)).With("component", "mcp-stdio-bridge")
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	// Before any server starts, so that every process it leaves behind comes to the bridge.
	if err := stdiobridge.ReapOrphans(ctx); err != nil {
		o.Log.Warn("cannot reap the processes the servers leave behind; they stay zombies until the container ends", "error", err)
	}
	bridge, err := stdiobridge.New(o)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(*path, bridge)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(*port)))
	if err != nil {
		bridge.Close()
		return err
	}
	o.Log.Info("serving a stdio MCP server over streamable HTTP", "addr", ln.Addr().String(), "path", *path, "command", o.Command, "sessions", o.Sessions)
	served := make(chan error, 1)
	go func() { served <- server.Serve(ln) }()
	select {
	case err := <-served:
		bridge.Close()
		return err
	case <-ctx.Done():
	}
	o.Log.Info("shutting down")
	done, cancel := context.WithTimeout(context.Background(), *shutdown)
	defer cancel()
	server.RegisterOnShutdown(bridge.Close) // event streams end, so Shutdown need not wait for them
	err = server.Shutdown(done)
	bridge.Close()
	return err
}

// version is the module version the binary was built at, as the operator's.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "devel"
}
