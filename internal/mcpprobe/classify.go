// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// classify turns a failed handshake into a Result whose message says, in a user's words, what
// went wrong. What the server answered (recorded by rec) matters more than the client's error.
func classify(ctx context.Context, endpoint string, err error, rec *recorder, dialed bool, timeout time.Duration) Result {
	if f := rec.failure(); f != nil {
		return classifyHTTP(endpoint, f)
	}
	fail := func(reason FailureReason, format string, args ...any) Result {
		return Result{Outcome: OutcomeFailed, Reason: reason, Message: fmt.Sprintf(format, args...)}
	}
	hostPort := hostPortOf(endpoint)
	answered, okType := rec.firstAnswer()
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var alert tls.AlertError
	switch {
	case errors.As(err, &certErr):
		return fail(ReasonTLS, "the certificate of %s could not be verified (%s): spec.transport.tls.caBundleSecret must hold the CA that signed it",
			hostPort, short(certErr.Err))
	case errors.As(err, &alert) || strings.Contains(err.Error(), "tls: "):
		return fail(ReasonTLS, "the TLS handshake with %s failed: %s (the operator speaks TLS 1.2 or later; is the server serving TLS on spec.config.port?)",
			hostPort, short(err))
	case errors.Is(err, errResponseTooLarge) || rec.exceeded():
		return fail(ReasonResponseTooLarge, "the server sent more than the probe reads (%d bytes): not a well-behaved MCP server", rec.limit)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fail(ReasonConnectionRefused, "connection refused by %s: nothing listens there (is spec.config.port the port the server listens on?)", hostPort)
	case errors.As(err, &dnsErr):
		return fail(ReasonHostNotFound, "host %s not found: Service names resolve only inside the cluster (outside it, run the operator with --resolve)", dnsErr.Name)
	case answered && okType != "" && !isMCPContentType(okType):
		return fail(ReasonNotMCP, "not an MCP server: %s answered with Content-Type %q, not JSON-RPC (application/json or text/event-stream)", endpoint, okType)
	case isTimeout(ctx, err) && !dialed:
		return fail(ReasonTimeout, "timed out after %s connecting to %s", timeout, hostPort)
	case isTimeout(ctx, err):
		return fail(ReasonTimeout, "timed out after %s: %s accepted the connection but did not complete the MCP handshake", timeout, hostPort)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed) ||
		endedStreamEarly(err):
		return fail(ReasonConnectionLost, "the connection to %s closed before the MCP handshake completed (did the server crash or restart?)", hostPort)
	case !answered && dialed:
		return fail(ReasonConnectionLost, "%s accepted the connection but closed it without an HTTP answer: %s", hostPort, short(err))
	default:
		return fail(ReasonProtocolError, "the MCP handshake with %s failed: %s", endpoint, short(err))
	}
}

// endedStreamEarly reports the go-sdk client's error for an event stream that ended before the
// answer to the request on it: the server closed the connection mid-answer. The client has no
// error value for it, only this message.
func endedStreamEarly(err error) bool {
	return strings.Contains(err.Error(), "terminated without response")
}

// classifyHTTP explains an HTTP answer that was not a success.
func classifyHTTP(endpoint string, f *httpAnswer) Result {
	path := pathOf(endpoint)
	withBody := func(msg string) string {
		if f.bodyStart != "" {
			msg += fmt.Sprintf(" (it said: %q)", f.bodyStart)
		}
		return msg
	}
	fail := func(msg string) Result {
		return Result{Outcome: OutcomeFailed, Reason: ReasonHTTPError, Message: withBody(msg)}
	}
	switch {
	case f.status == http.StatusUnauthorized && isBearerChallenge(f.wwwAuthenticate):
		return Result{Outcome: OutcomeAuthRequired, Reason: ReasonHTTPError,
			Message: "the server requires MCP authorization (HTTP 401 with a Bearer challenge); it serves MCP, the operator cannot list its tools without credentials"}
	case f.status == http.StatusUnauthorized:
		return fail(fmt.Sprintf("%s without a Bearer challenge: that is not MCP's authorization flow, so it does not show that an MCP server is there (an authenticating proxy in front of it?)", f))
	case f.status == http.StatusForbidden:
		return fail(fmt.Sprintf("%s: the server refused the request. A go-sdk MCP server bound to localhost refuses a Host header that is not localhost (DNS-rebinding protection); other servers check Origin or want credentials", f))
	case f.status == http.StatusNotFound || f.status == http.StatusMethodNotAllowed:
		return fail(fmt.Sprintf("%s on path %s: nothing serves MCP at that path (check spec.config.path)", f, path))
	case f.status >= 500:
		return fail(fmt.Sprintf("%s: the server failed while handling the MCP handshake", f))
	default:
		return fail(fmt.Sprintf("%s to the MCP handshake (%s %s)", f, f.method, path))
	}
}

// isBearerChallenge reports whether a WWW-Authenticate header offers the Bearer scheme.
func isBearerChallenge(header string) bool {
	for _, challenge := range strings.Split(header, ",") {
		scheme, _, _ := strings.Cut(strings.TrimSpace(challenge), " ")
		if strings.EqualFold(scheme, "Bearer") {
			return true
		}
	}
	return false
}

func isMCPContentType(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mediaType == "application/json" || mediaType == "text/event-stream")
}

func isTimeout(ctx context.Context, err error) bool {
	var netErr net.Error
	return ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
}

func hostPortOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Host
	}
	return endpoint
}

func pathOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil && u.Path != "" {
		return u.Path
	}
	return "/"
}

// short keeps an error message to one printable line of bounded length for a condition message.
func short(err error) string {
	msg := printable([]byte(err.Error()))
	if len(msg) > 300 {
		msg = msg[:300] + "..."
	}
	return msg
}
