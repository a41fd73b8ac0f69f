// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"slices"
	"time"
)

// Outcome is the verdict of one probe.
type Outcome string

const (
	// OutcomeReady: the server answered server/discover or completed an MCP initialize handshake.
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
	// Deprecated are the features of the server that MCP 2026-07-28 deprecates, as far as the
	// probe saw them; set when Outcome is OutcomeReady. They are reported, never failed.
	Deprecated []DeprecatedFeature
	Duration   time.Duration
}

// DeprecatedFeature names a feature MCP 2026-07-28 deprecates (SEP-2577) that a server uses.
type DeprecatedFeature string

// Deprecated features a probe can see.
const (
	// DeprecatedSSETransport: the server speaks only the HTTP+SSE transport of 2024-11-05.
	DeprecatedSSETransport DeprecatedFeature = "HTTP+SSE"
	// DeprecatedLogging: the server advertises the logging capability.
	DeprecatedLogging DeprecatedFeature = "Logging"
	// DeprecatedSampling: the server asked the operator's client for sampling.
	DeprecatedSampling DeprecatedFeature = "Sampling"
	// DeprecatedRoots: the server asked the operator's client for its roots.
	DeprecatedRoots DeprecatedFeature = "Roots"
)

// Explain says what using the feature means, for a user reading an event.
func (f DeprecatedFeature) Explain() string {
	switch f {
	case DeprecatedSSETransport:
		return "it speaks only the HTTP+SSE transport of 2024-11-05, which clients and gateways of 2026-07-28 may not offer (Streamable HTTP replaces it)"
	case DeprecatedLogging:
		return "it advertises the logging capability (logging/setLevel and notifications/message)"
	case DeprecatedSampling:
		return "it asked the client for sampling (sampling/createMessage)"
	case DeprecatedRoots:
		return "it asked the client for its roots (roots/list)"
	default:
		return "deprecated by MCP 2026-07-28"
	}
}

// ServerInfo is the server's identity and capabilities from its discover or initialize result.
type ServerInfo struct {
	Name    string
	Version string
	// ProtocolVersion is the revision the probe and the server spoke.
	ProtocolVersion string
	// SupportedVersions are the revisions the server listed in server/discover, newest first;
	// nil for a server met with initialize, which names one revision only.
	SupportedVersions []string
	Instructions      string
	Tools             bool
	Resources         bool
	Prompts           bool
	Logging           bool
	Completions       bool
}

// Modern reports whether the server spoke the stateless revision (2026-07-28 or later), which
// it answered server/discover for.
func (s ServerInfo) Modern() bool {
	return s.ProtocolVersion >= ModernProtocolVersion
}

// Equal reports whether two ServerInfos say the same.
func (s ServerInfo) Equal(o ServerInfo) bool {
	return s.Name == o.Name && s.Version == o.Version && s.ProtocolVersion == o.ProtocolVersion &&
		slices.Equal(s.SupportedVersions, o.SupportedVersions) && s.Instructions == o.Instructions &&
		s.Tools == o.Tools && s.Resources == o.Resources && s.Prompts == o.Prompts &&
		s.Logging == o.Logging && s.Completions == o.Completions
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
	// TTL is how long the server said its tool list stays fresh (ttlMs, the shortest of the
	// pages; 0: stale at once), when HasTTL. Only 2026-07-28 servers say it.
	TTL    time.Duration
	HasTTL bool
}
