// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/stdiobridge"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
)

// start serves a bridge over HTTP for the test; it is closed when the test ends.
func start(t *testing.T, o stdiobridge.Options) (*stdiobridge.Bridge, string) {
	t.Helper()
	o.Version = "test"
	o.Stderr = io.Discard
	o.Log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	b, err := stdiobridge.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(b)
	t.Cleanup(func() {
		b.Close()
		srv.Close()
	})
	return b, srv.URL + "/mcp"
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// connect opens an MCP session through the bridge with go-sdk's client.
func connect(t *testing.T, url string) (*mcp.ClientSession, error) {
	t.Helper()
	return connectWith(t, url, nil)
}

func connectWith(t *testing.T, url string, opts *mcp.ClientOptions) (*mcp.ClientSession, error) {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, DisableStandaloneSSE: false}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
}

func mustConnect(t *testing.T, url string) *mcp.ClientSession {
	t.Helper()
	s, err := connect(t, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// callText calls a tool and returns its structured text, or the error.
func callText(s *mcp.ClientSession, tool string, args any) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		return "", err
	}
	if res.IsError {
		raw, _ := json.Marshal(res.Content)
		return "", errorString(raw)
	}
	var out struct {
		Text string `json:"text"`
	}
	raw, _ := json.Marshal(res.StructuredContent)
	_ = json.Unmarshal(raw, &out)
	return out.Text, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

func pidOf(t *testing.T, s *mcp.ClientSession) int {
	t.Helper()
	text, err := callText(s, "pid", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(text)
	if err != nil {
		t.Fatalf("pid answered %q", text)
	}
	return pid
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func waitGone(t *testing.T, pid int) {
	t.Helper()
	check.Eventually(t, 20*time.Second, "the server process to be gone", func() (bool, string) {
		return !alive(pid), "still running"
	})
}

func TestPerSessionGivesEachSessionItsProcess(t *testing.T) {
	b, url := start(t, stdiobridge.Options{Command: childCommand(t, "server")})
	one, two := mustConnect(t, url), mustConnect(t, url)
	init := one.InitializeResult()
	if init.ServerInfo.Name != "stdio-test" || init.ServerInfo.Version != "1.2.3" {
		t.Errorf("serverInfo = %+v, want the stdio server's own", init.ServerInfo)
	}
	meta, _ := init.Meta[stdiobridge.MetaKey].(map[string]any)
	if meta["sessions"] != "PerSession" || meta["name"] != "mcp-stdio-bridge" || meta["version"] != "test" {
		t.Errorf("_meta[%s] = %v, want the bridge named with its sessions", stdiobridge.MetaKey, init.Meta)
	}
	if got, err := callText(one, "echo", map[string]any{"text": "hello"}); err != nil || got != "hello" {
		t.Fatalf("echo = %q, %v", got, err)
	}
	p1, p2 := pidOf(t, one), pidOf(t, two)
	if p1 == p2 {
		t.Fatalf("both sessions answered by process %d, want one each", p1)
	}
	if b.Sessions() != 2 {
		t.Errorf("%d sessions, want 2", b.Sessions())
	}
	_ = one.Close() // DELETE ends the session and its process
	waitGone(t, p1)
	if !alive(p2) {
		t.Error("the other session's process stopped too")
	}
	if _, err := callText(two, "echo", map[string]any{"text": "still"}); err != nil {
		t.Errorf("the other session: %v", err)
	}
}

func TestSharedServesEverySessionFromOneProcess(t *testing.T) {
	b, url := start(t, stdiobridge.Options{Command: childCommand(t, "server"), Sessions: stdiobridge.Shared})
	one, two := mustConnect(t, url), mustConnect(t, url)
	p1, p2 := pidOf(t, one), pidOf(t, two)
	if p1 != p2 {
		t.Fatalf("sessions answered by processes %d and %d, want one", p1, p2)
	}
	if got, err := callText(two, "echo", map[string]any{"text": "two"}); err != nil || got != "two" {
		t.Fatalf("echo = %q, %v", got, err)
	}
	_ = one.Close()
	if _, err := callText(two, "echo", map[string]any{"text": "after"}); err != nil {
		t.Errorf("after another session ended: %v", err)
	}
	b.Close()
	waitGone(t, p1)
}

func TestSessionLimit(t *testing.T) {
	_, url := start(t, stdiobridge.Options{Command: childCommand(t, "server"), MaxSessions: 1})
	first := mustConnect(t, url)
	if _, err := connect(t, url); err == nil || !strings.Contains(err.Error(), "Service Unavailable") {
		t.Fatalf("a second session: %v, want refused for the limit", err)
	}
	resp := post(t, url, "", initializeBody)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !bytes.Contains(body, []byte("at most 1 sessions")) {
		t.Errorf("a raw initialize over the limit: %s %q, want 503 with Retry-After and the limit named", resp.Status, body)
	}
	_ = first.Close()
	check.Eventually(t, 20*time.Second, "a session to open once the first ended", func() (bool, string) {
		s, err := connect(t, url)
		if err != nil {
			return false, err.Error()
		}
		_ = s.Close()
		return true, ""
	})
}

// post sends one JSON-RPC message as a raw client would.
func post(t *testing.T, url, session, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

func TestIdleSessionsEnd(t *testing.T) {
	b, url := start(t, stdiobridge.Options{Command: childCommand(t, "server"), IdleTimeout: 300 * time.Millisecond})
	resp := post(t, url, "", initializeBody)
	id := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || id == "" {
		t.Fatalf("initialize: %s, session %q", resp.Status, id)
	}
	check.Eventually(t, 20*time.Second, "the idle session to end", func() (bool, string) {
		return b.Sessions() == 0, strconv.Itoa(b.Sessions()) + " sessions"
	})
	if resp := post(t, url, id, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a request of the ended session: %s, want 404 (initialize again)", resp.Status)
	}
}

func TestRequestsWithoutASession(t *testing.T) {
	_, url := start(t, stdiobridge.Options{Command: childCommand(t, "server")})
	for name, c := range map[string]struct {
		session, body string
		status        int
	}{
		"a request before initialize":  {"", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, http.StatusBadRequest},
		"an unknown session":           {"nope", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, http.StatusNotFound},
		"not JSON":                     {"", `hello`, http.StatusBadRequest},
		"server/discover (2026-07-28)": {"", `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}`, http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			resp := post(t, url, c.session, c.body)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status || !bytes.Contains(body, []byte(`"error"`)) {
				t.Errorf("%s: %s", resp.Status, body)
			}
		})
	}
}

func TestACrashedServerIsRestartedAndItsSessionTold(t *testing.T) {
	_, url := start(t, stdiobridge.Options{Command: childCommand(t, "server"),
		Backoff: stdiobridge.Backoff{Initial: 50 * time.Millisecond, Max: time.Second}})
	told := make(chan string, 4)
	s, err := connectWith(t, url, &mcp.ClientOptions{LoggingMessageHandler: func(_ context.Context, r *mcp.LoggingMessageRequest) {
		told <- fmt.Sprint(r.Params.Data)
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	before := pidOf(t, s)
	_, err = callText(s, "crash", map[string]any{})
	if err == nil || !strings.Contains(err.Error(), "exit status 2") || !strings.Contains(err.Error(), "crashing as asked") {
		t.Fatalf("the call that crashed the server: %v, want an error naming its exit and its last stderr line", err)
	}
	var after int
	check.Eventually(t, 20*time.Second, "the restarted server to answer the same session", func() (bool, string) {
		text, err := callText(s, "pid", map[string]any{})
		if err != nil {
			return false, err.Error()
		}
		after, _ = strconv.Atoi(text)
		return true, ""
	})
	if after == before {
		t.Errorf("answered by process %d before and after the crash", after)
	}
	select {
	case msg := <-told:
		if !strings.Contains(msg, "restarts it") {
			t.Errorf("the session was told %q", msg)
		}
	case <-time.After(10 * time.Second):
		t.Error("the session was not told of the restart on its event stream")
	}
	waitGone(t, before)
}

func TestAServerThatCannotStartIsNamed(t *testing.T) {
	_, url := start(t, stdiobridge.Options{Command: childCommand(t, "exit")})
	_, err := connect(t, url)
	if err == nil || !strings.Contains(err.Error(), "config file /etc/server.toml: no such file") {
		t.Fatalf("connect: %v, want the server's own reason", err)
	}
	_, url = start(t, stdiobridge.Options{Command: []string{"/no/such/program"}})
	if _, err = connect(t, url); err == nil || !strings.Contains(err.Error(), "/no/such/program") {
		t.Fatalf("connect: %v, want the missing program named", err)
	}
	if _, err := stdiobridge.New(stdiobridge.Options{}); err == nil {
		t.Error("a bridge without a command started")
	}
}

func TestHostileOutputNeverReachesTheClient(t *testing.T) {
	_, url := start(t, stdiobridge.Options{Command: childCommand(t, "noisy"), MaxMessageBytes: 1 << 20})
	s := mustConnect(t, url)
	if got, err := callText(s, "echo", map[string]any{"text": "clean"}); err != nil || got != "clean" {
		t.Fatalf("echo after the noise: %q, %v", got, err)
	}
	_, err := callText(s, "huge", map[string]any{})
	if err == nil || !strings.Contains(err.Error(), "longer than the bridge's limit") {
		t.Fatalf("an answer over the limit: %v, want the limit named", err)
	}
	if got, err := callText(s, "echo", map[string]any{"text": "after"}); err != nil || got != "after" {
		t.Fatalf("echo after the huge answer: %q, %v", got, err)
	}
}

func TestAServerThatNeverAnswers(t *testing.T) {
	b, url := start(t, stdiobridge.Options{Command: childCommand(t, "silent"),
		RequestTimeout: 300 * time.Millisecond, StopGrace: 100 * time.Millisecond})
	_, err := connect(t, url)
	if err == nil || !strings.Contains(err.Error(), "did not answer initialize within 300ms") {
		t.Fatalf("connect: %v, want the timeout named", err)
	}
	check.Eventually(t, 20*time.Second, "the failed session to be gone", func() (bool, string) {
		return b.Sessions() == 0, strconv.Itoa(b.Sessions()) + " sessions"
	})
}

func TestCloseStopsAServerThatIgnoresSIGTERM(t *testing.T) {
	b, url := start(t, stdiobridge.Options{Command: childCommand(t, "stubborn"), Sessions: stdiobridge.Shared,
		StopGrace: 100 * time.Millisecond})
	s := mustConnect(t, url)
	pid := pidOf(t, s)
	start := time.Now()
	b.Close()
	if alive(pid) {
		t.Fatal("the server runs after Close")
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("Close took %s: the server was killed before its grace (stdin closed, then SIGTERM) passed", took)
	}
}
