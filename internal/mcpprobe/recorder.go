// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"sync"
)

// errResponseTooLarge ends a read past the probe's response budget.
var errResponseTooLarge = errors.New("response too large")

// httpAnswer is what the server answered to one request, kept for explaining failures.
type httpAnswer struct {
	method          string
	status          int
	contentType     string
	wwwAuthenticate string
	bodyStart       string
}

// recorder is an http.RoundTripper for one probe: it remembers the first answer that was not
// a success, and caps how many bytes the server can make the probe read in total, so a server
// that sends an endless or huge response cannot exhaust the operator's memory.
type recorder struct {
	base      http.RoundTripper
	limit     int64
	remaining int64

	mu        sync.Mutex
	firstFail *httpAnswer
	// discoverFail is the first unsuccessful answer to server/discover. It is kept apart: the
	// client falls back to initialize after it, and what initialize met explains a failure.
	discoverFail *httpAnswer
	answered     bool
	// okContentType is the Content-Type of the first successful answer.
	okContentType string
	// overBudget: a read was refused because the server sent more than the budget.
	overBudget bool
	// asked are the methods of the requests the server sent the client, at most
	// maxServerRequests of them.
	asked map[string]bool
}

// Bounds on what a recorder keeps of the requests a server sends.
const (
	maxMethodLen      = 64
	maxServerRequests = 32
)

// noteServerRequest records that the server sent the client a request for method.
func (r *recorder) noteServerRequest(method string) {
	if len(method) > maxMethodLen {
		return // no method of MCP's is this long; a hostile server's names are not kept
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.asked == nil {
		r.asked = map[string]bool{}
	}
	if len(r.asked) < maxServerRequests {
		r.asked[method] = true
	}
}

// serverRequests returns the methods of the requests the server sent the client.
func (r *recorder) serverRequests() map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.asked)
}

// exceeded reports whether the server sent more than the probe's budget, however the client
// reported the refused read.
func (r *recorder) exceeded() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.overBudget
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, rec: r}
	if resp.StatusCode < 300 && sniffs(resp.Header.Get("Content-Type")) {
		resp.Body = &requestSniffer{ReadCloser: resp.Body, rec: r}
	}
	var fail *httpAnswer
	if resp.StatusCode >= 300 {
		start := make([]byte, 200)
		n, _ := io.ReadFull(resp.Body, start)
		fail = &httpAnswer{
			method:          req.Method,
			status:          resp.StatusCode,
			contentType:     resp.Header.Get("Content-Type"),
			wwwAuthenticate: resp.Header.Get("WWW-Authenticate"),
			bodyStart:       printable(start[:n]),
		}
		// Hand the client the whole body, the excerpt included.
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(start[:n]), resp.Body), resp.Body}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// Ending the session (DELETE) is optional in MCP: a 405 to it says nothing about the
	// handshake, and must not hide why the handshake failed.
	switch {
	case fail == nil || req.Method == http.MethodDelete:
	case req.Header.Get(methodHeader) == methodDiscover:
		if r.discoverFail == nil {
			r.discoverFail = fail
		}
	case r.firstFail == nil:
		r.firstFail = fail
	}
	if fail == nil && !r.answered {
		r.okContentType = resp.Header.Get("Content-Type")
	}
	r.answered = true
	return resp, nil
}

// The Streamable HTTP header that names a 2026-07-28 request's method, and discovery's method.
const (
	methodHeader   = "Mcp-Method"
	methodDiscover = "server/discover"
)

// explainDiscovery adds to a failed result what server/discover was answered with, when that
// was not a success either and initialize was not answered the same: a server that answers
// neither names both answers.
func (r *recorder) explainDiscovery(res Result) Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res.Outcome != OutcomeFailed || r.discoverFail == nil || (r.firstFail != nil && r.firstFail.status == r.discoverFail.status) {
		return res
	}
	res.Message += fmt.Sprintf("; server/discover (MCP %s) was answered with %s", ModernProtocolVersion, r.discoverFail)
	if r.discoverFail.bodyStart != "" {
		res.Message += fmt.Sprintf(" (%q)", r.discoverFail.bodyStart)
	}
	return res
}

// failure returns the first unsuccessful answer, or nil.
func (r *recorder) failure() *httpAnswer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstFail
}

// firstAnswer reports whether any HTTP response arrived, and the Content-Type of the first one
// when it was a success.
func (r *recorder) firstAnswer() (answered bool, okContentType string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.answered, r.okContentType
}

// cappedBody counts the bytes read against the recorder's budget.
type cappedBody struct {
	io.ReadCloser
	rec *recorder
}

func (b *cappedBody) Read(p []byte) (int, error) {
	b.rec.mu.Lock()
	remaining := b.rec.remaining
	if remaining <= 0 {
		b.rec.overBudget = true
	}
	b.rec.mu.Unlock()
	if remaining <= 0 {
		return 0, errResponseTooLarge
	}
	if int64(len(p)) > remaining {
		p = p[:remaining]
	}
	n, err := b.ReadCloser.Read(p)
	b.rec.mu.Lock()
	b.rec.remaining -= int64(n)
	b.rec.mu.Unlock()
	return n, err
}

// printable keeps a body excerpt safe to show in a condition message: one line, no control
// characters, valid UTF-8.
func printable(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(strings.Join(strings.Fields(s), " "))
}

func (a *httpAnswer) String() string {
	return fmt.Sprintf("HTTP %d %s", a.status, http.StatusText(a.status))
}
