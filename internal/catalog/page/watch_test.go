// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// streamEvent is the data of one "deployments" event of GET /api/deployments/watch.
type streamEvent struct {
	Items []struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
		Status    string `json:"status"`
	} `json:"items"`
	Problem string `json:"problem"`
}

func (e streamEvent) has(namespace, name, status string) bool {
	for _, item := range e.Items {
		if item.Namespace == namespace && item.Name == name && (status == "" || item.Status == status) {
			return true
		}
	}
	return false
}

// openStream opens the Deployments tab's event stream as a person, for as long as the test
// runs, and returns its HTTP status and its events.
func openStream(t *testing.T, person, query string) (int, <-chan streamEvent) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, catalogURL+"/api/deployments/watch"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token := tokens[person]; token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan streamEvent, 100)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		_ = resp.Body.Close()
		close(events)
		return resp.StatusCode, events
	}
	go func() {
		defer close(events)
		defer func() { _ = resp.Body.Close() }()
		scanner := bufio.NewScanner(resp.Body)
		scanner.Buffer(make([]byte, 1<<20), 1<<20)
		event := ""
		for scanner.Scan() {
			line := scanner.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "deployments":
				var e streamEvent
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &e); err != nil {
					t.Errorf("an event that is not JSON: %s", line)
					return
				}
				events <- e
			}
		}
	}()
	return resp.StatusCode, events
}

// nextEventWhere waits for an event that satisfies ok.
func nextEventWhere(t *testing.T, events <-chan streamEvent, what string, ok func(streamEvent) bool) streamEvent {
	t.Helper()
	timeout := time.After(waitDuration)
	var last streamEvent
	for {
		select {
		case e, open := <-events:
			if !open {
				t.Fatalf("the stream ended before %s; last event %+v", what, last)
			}
			if ok(e) {
				return e
			}
			last = e
		case <-timeout:
			t.Fatalf("no event with %s within %s; last event %+v", what, waitDuration, last)
		}
	}
}

func TestDeploymentsStreamFollowsTheCluster(t *testing.T) {
	ctx := context.Background()
	status, events := openStream(t, "carol", "")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	first := nextEventWhere(t, events, "the first list", func(streamEvent) bool { return true })
	if first.has(teamB, "streamed", "") || first.Problem != "" {
		t.Fatalf("first event %+v", first)
	}
	opened := requestsOf("carol")

	server := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "streamed", Namespace: teamB},
		Spec: mcpv1beta1.MCPServerSpec{Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
			ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "registry.example.com/mcp/sample:1.0"}}, Config: mcpv1beta1.ServerConfig{Port: 8080}}}
	if err := env.Client.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), server) })
	nextEventWhere(t, events, "the new server, Pending", func(e streamEvent) bool { return e.has(teamB, "streamed", "Pending") })
	markReady(t, server, "echo")
	nextEventWhere(t, events, "the server Available", func(e streamEvent) bool { return e.has(teamB, "streamed", "Available") })
	if err := env.Client.Delete(ctx, server); err != nil {
		t.Fatal(err)
	}
	nextEventWhere(t, events, "the server gone", func(e streamEvent) bool { return !e.has(teamB, "streamed", "") })
	if n := requestsOf("carol") - opened; n != 0 {
		t.Errorf("following a create, an update and a delete made %d API requests; the watch should bring them", n)
	}
}

func TestDeploymentsStreamRefusals(t *testing.T) {
	for _, tc := range []struct {
		person, query string
		status        int
	}{
		{"nobody", "", http.StatusUnauthorized},
		{"bob", "?namespace=" + teamB, http.StatusForbidden},
		{"bob", "", http.StatusForbidden}, // neither every namespace nor projects
	} {
		t.Run(fmt.Sprintf("%s%s", tc.person, tc.query), func(t *testing.T) {
			if status, _ := openStream(t, tc.person, tc.query); status != tc.status {
				t.Errorf("status %d, want %d", status, tc.status)
			}
		})
	}
}

// TestDeploymentsStreamWithoutTheRightToWatch: the list shows, and the stream says it may be
// out of date, instead of silently never changing.
func TestDeploymentsStreamWithoutTheRightToWatch(t *testing.T) {
	status, events := openStream(t, "erin", "?namespace="+teamA)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	e := nextEventWhere(t, events, "the problem", func(e streamEvent) bool { return e.Problem != "" })
	if !strings.Contains(e.Problem, "out of date") || !strings.Contains(e.Problem, "forbidden") {
		t.Errorf("problem %q", e.Problem)
	}
}
