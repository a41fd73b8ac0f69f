// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import "time"

// Outcome is the verdict of one probe.
type Outcome string

const (
	// OutcomeReady: the server completed an MCP initialize handshake.
	OutcomeReady Outcome = "Ready"
	// OutcomeAuthRequired: the server answered with MCP's authorization challenge (HTTP 401 with
	// WWW-Authenticate: Bearer), which proves it serves MCP, but the operator has no credentials.
	OutcomeAuthRequired Outcome = "AuthenticationRequired"
	// OutcomeFailed: the endpoint did not prove that it speaks MCP; Reason and Message say why.
	OutcomeFailed Outcome = "Failed"
)

// Outcomes are every outcome a probe can have.
var Outcomes = []Outcome{OutcomeReady, OutcomeAuthRequired, OutcomeFailed}

// FailureReason classifies why a probe failed, for metrics and for choosing the message.
type FailureReason string

// Failure reasons.
const (
	ReasonConnectionRefused FailureReason = "ConnectionRefused"
	ReasonHostNotFound      FailureReason = "HostNotFound"
	ReasonTimeout           FailureReason = "Timeout"
	ReasonConnectionLost    FailureReason = "ConnectionLost"
	ReasonHTTPError         FailureReason = "HTTPError"
	ReasonNotMCP            FailureReason = "NotMCP"
	ReasonProtocolError     FailureReason = "ProtocolError"
	ReasonResponseTooLarge  FailureReason = "ResponseTooLarge"
	ReasonTLS               FailureReason = "TLSHandshakeFailed"
)

// Result is what one probe found.
type Result struct {
	Outcome Outcome
	// Reason and Message explain a failure (or the authentication requirement) in a user's words.
	Reason  FailureReason
	Message string
	// Server is set when Outcome is OutcomeReady.
	Server ServerInfo
	// Tools is set when Outcome is OutcomeReady and the server offers tools.
	Tools *ToolInventory
	// Transport is the MCP transport that worked: "streamable-http" or "sse".
	Transport string
	Duration  time.Duration
}

// ServerInfo is the server's identity and capabilities from its initialize result.
type ServerInfo struct {
	Name            string
	Version         string
	ProtocolVersion string
	Instructions    string
	Tools           bool
	Resources       bool
	Prompts         bool
	Logging         bool
	Completions     bool
}

// ToolInventory summarises the server's tools.
type ToolInventory struct {
	// Count is the number of tools listed.
	Count int
	// Names are the tool names, sorted, at most Config.MaxToolNames of them.
	Names []string
	// Digest identifies the full tool definitions (names, descriptions, schemas): it changes
	// when any tool changes.
	Digest string
	// Truncated: the listing stopped at the probe's limits, so Count and Digest cover only
	// what was read.
	Truncated bool
}
