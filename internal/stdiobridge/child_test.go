// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// childModeEnv makes the test binary a stdio MCP server (see TestMain), so that the bridge's
// tests run a real go-sdk server as their child.
const childModeEnv = "STDIOBRIDGE_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childModeEnv); mode != "" {
		runChild(mode)
		return
	}
	code := m.Run()
	if left := childrenLeft(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the bridge left server processes running: %v\n", left)
		code = 1
	}
	os.Exit(code)
}

// childrenLeft lists the processes this test binary started that still run: every bridge
// is closed by its test, and a closed bridge has stopped all its servers.
func childrenLeft() []string {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var left []string
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		if len(fields) > 1 && fields[1] == fmt.Sprint(os.Getpid()) && fields[0] != "Z" {
			left = append(left, filepath.Base(filepath.Dir(path)))
		}
	}
	return left
}

// childCommand is the command that runs the test binary as a child of the given mode.
func childCommand(t *testing.T, mode string) []string {
	t.Helper()
	t.Setenv(childModeEnv, mode)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return []string{self}
}

type textInput struct {
	Text string `json:"text"`
}

// runChild is the child's program. Modes:
//   - server: a go-sdk stdio server with the tools echo, pid, crash and huge;
//   - noisy: the same server, after writing lines that are not JSON-RPC and one longer than
//     any limit to stdout;
//   - exit: writes a reason to stderr and exits 3;
//   - silent: reads stdin and never answers, and ignores SIGTERM;
//   - stubborn: the server, which ignores SIGTERM and stays after its stdin closes;
//   - forking: the server, after starting a process of mode orphan (which ignores SIGTERM and
//     never ends by itself) and writing its pid to the file $STDIOBRIDGE_TEST_PIDFILE.
func runChild(mode string) {
	switch mode {
	case "exit":
		fmt.Fprintln(os.Stderr, "config file /etc/server.toml: no such file")
		os.Exit(3)
	case "silent":
		signal.Ignore(syscall.SIGTERM)
		scanner := bufio.NewScanner(os.Stdin)
		for scanner.Scan() {
		}
		select {}
	case "stubborn":
		signal.Ignore(syscall.SIGTERM)
		defer func() { select {} }()
	case "forking":
		startOrphan()
	case "orphan":
		signal.Ignore(syscall.SIGTERM)
		select {}
	case "noisy":
		fmt.Println("starting the server on stdio")
		fmt.Println(`{"not": "json-rpc"}`)
		fmt.Println(strings.Repeat("x", 3<<20))
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "stdio-test", Version: "1.2.3"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "echo", Description: "Echoes its text."},
		func(_ context.Context, _ *mcp.CallToolRequest, in textInput) (*mcp.CallToolResult, textInput, error) {
			return nil, in, nil
		})
	mcp.AddTool(server, &mcp.Tool{Name: "pid", Description: "Says which process answers."},
		func(_ context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, textInput, error) {
			return nil, textInput{Text: fmt.Sprint(os.Getpid())}, nil
		})
	mcp.AddTool(server, &mcp.Tool{Name: "crash", Description: "Exits the process mid-call."},
		func(_ context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, textInput, error) {
			fmt.Fprintln(os.Stderr, "crashing as asked")
			os.Exit(2)
			return nil, textInput{}, nil
		})
	mcp.AddTool(server, &mcp.Tool{Name: "huge", Description: "Answers with 3 MiB."},
		func(_ context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, textInput, error) {
			return nil, textInput{Text: strings.Repeat("y", 3<<20)}, nil
		})
	if err := server.Run(context.Background(), &mcp.StdioTransport{}); err != nil && mode != "stubborn" {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// pidFileEnv names the file where a forking child writes the pid of the process it started.
const pidFileEnv = "STDIOBRIDGE_TEST_PIDFILE"

func startOrphan() {
	self, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childModeEnv+"=orphan")
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	if err := os.WriteFile(os.Getenv(pidFileEnv), []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		panic(err)
	}
}
