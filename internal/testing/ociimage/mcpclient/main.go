// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command mcpclient is an MCP client for a pod of the real node: it connects to the server at
// its one argument (a URL), lists the tools, calls the tool of -call (if any) and writes what
// it found as JSON to the termination log, where the pod's status carries it to the test.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Report is what the client writes to the termination log.
type Report struct {
	Server string   `json:"server"`
	Tools  []string `json:"tools"`
	// Called is the text the called tool answered, cut to fit the termination log.
	Called string `json:"called,omitempty"`
	Error  string `json:"error,omitempty"`
}

func main() {
	call := flag.String("call", "", "A tool to call without arguments.")
	out := flag.String("out", "/dev/termination-log", "Where the JSON report goes.")
	flag.Parse()
	report := run(flag.Arg(0), *call)
	raw, _ := json.Marshal(report)
	if err := os.WriteFile(*out, raw, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	fmt.Println(string(raw))
	if report.Error != "" {
		os.Exit(1)
	}
}

func run(url, call string) Report {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "mcpclient", Version: "0.1.0"}, nil)
	session, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, nil)
	if err != nil {
		return Report{Error: "connecting: " + err.Error()}
	}
	defer session.Close()
	report := Report{}
	if info := session.InitializeResult().ServerInfo; info != nil {
		report.Server = info.Name
	}
	for tool, err := range session.Tools(ctx, nil) {
		if err != nil {
			report.Error = "listing tools: " + err.Error()
			return report
		}
		report.Tools = append(report.Tools, tool.Name)
	}
	if call == "" {
		return report
	}
	result, err := session.CallTool(ctx, &mcp.CallToolParams{Name: call, Arguments: map[string]any{}})
	if err != nil {
		report.Error = "calling " + call + ": " + err.Error()
		return report
	}
	var text strings.Builder
	for _, c := range result.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			text.WriteString(t.Text)
		}
	}
	if result.IsError {
		report.Error = call + " failed: " + text.String()
	}
	// The termination log holds 4096 bytes; the tool names come first.
	report.Called = text.String()
	if room := 3000 - len(strings.Join(report.Tools, `","`)); len(report.Called) > room {
		report.Called = report.Called[:max(room, 0)]
	}
	return report
}
