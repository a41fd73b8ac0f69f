// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// The Deployments tab is live without polling: GET /api/deployments/watch answers with
// server-sent events, one "deployments" event holding the whole list when the stream opens
// and again after every change. Behind it the catalog lists the MCPServers once and then holds
// a watch on the API server with the person's own token, so an idle tab costs the API server
// one list and one open watch instead of a list every few seconds.
const (
	// coalesce gathers the changes of a burst (a rollout touches a server several times) into one event.
	coalesce = 100 * time.Millisecond
	// keepAlive is how often an idle stream sends a comment, so that proxies keep it open.
	keepAlive = 25 * time.Second
	// maxRetryDelay bounds the wait before listing again after an error.
	maxRetryDelay = 30 * time.Second
)

// deploymentsEvent is the data of one "deployments" event.
type deploymentsEvent struct {
	Items []deploymentItem `json:"items"`
	// Problem says why the list may be stale (the watch failed and is being retried).
	Problem string `json:"problem,omitempty"`
}

func (s *Server) watchDeployments(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "this server cannot stream"})
		return
	}
	c, err := s.Identity.ClientFor(r)
	if err != nil {
		writeClusterError(w, err)
		return
	}
	ctx := r.Context()
	scopes, first, err := visibleScopes(ctx, c, r.URL.Query().Get("namespace"))
	if err != nil {
		writeClusterError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx and the OpenShift router: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	flusher.Flush()

	view := newServerView(scopes)
	for i, ns := range scopes {
		var initial *mcpv1beta1.MCPServerList
		if i == 0 {
			initial = first
		}
		go followServers(ctx, c, ns, view, initial)
	}
	stream(ctx, w, flusher, view)
}

// stream writes the view to the client after each burst of changes, until the client goes.
func stream(ctx context.Context, w http.ResponseWriter, flusher http.Flusher, view *serverView) {
	heartbeat := time.NewTicker(keepAlive)
	defer heartbeat.Stop()
	var flush <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-view.changed:
			if flush == nil {
				flush = time.After(coalesce)
			}
		case <-flush:
			flush = nil
			event, ready := view.snapshot()
			if !ready {
				continue
			}
			data, err := json.Marshal(event)
			if err != nil {
				return
			}
			if _, err := fmt.Fprintf(w, "event: deployments\ndata: %s\n\n", data); err != nil {
				return
			}
			flusher.Flush()
		case <-heartbeat.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}

// followServers keeps the view of one scope (a namespace, or "" for all) in step with the
// cluster: list, then watch from the list's resource version; a watch that ends is resumed
// from the last version seen, one that has expired (410 Gone) means listing again.
func followServers(ctx context.Context, c client.WithWatch, namespace string, view *serverView, first *mcpv1beta1.MCPServerList) {
	delay := time.Second
	retry := func(err error) {
		view.setProblem("The list may be out of date, retrying: " + apiMessage(err))
		log.FromContext(ctx).V(1).Info("watching MCPServers failed", "namespace", namespace, "error", err.Error())
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
		delay = min(2*delay, maxRetryDelay)
	}
	for ctx.Err() == nil {
		list := first
		first = nil
		if list == nil {
			list = &mcpv1beta1.MCPServerList{}
			if err := c.List(ctx, list, client.InNamespace(namespace)); err != nil {
				if apierrors.IsForbidden(err) && namespace != "" {
					view.replace(namespace, nil) // a project whose servers this person may not see
					return
				}
				retry(err)
				continue
			}
		}
		view.replace(namespace, list.Items)
		version := list.ResourceVersion
		for ctx.Err() == nil {
			started := time.Now()
			next, err := watchFrom(ctx, c, namespace, version, view)
			if err == nil && time.Since(started) < time.Second && ctx.Err() == nil {
				err = fmt.Errorf("the watch ended as soon as it started")
			}
			if err != nil {
				if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
					retry(err)
				}
				break // list again
			}
			version = next
			delay = time.Second
		}
	}
}

// watchFrom applies one watch's events to the view until the watch ends, and returns the last
// resource version seen.
func watchFrom(ctx context.Context, c client.WithWatch, namespace, version string, view *serverView) (string, error) {
	watcher, err := c.Watch(ctx, &mcpv1beta1.MCPServerList{}, client.InNamespace(namespace),
		&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: version, AllowWatchBookmarks: true}})
	if err != nil {
		return version, err
	}
	defer watcher.Stop()
	for ev := range watcher.ResultChan() {
		if ev.Type == watch.Error {
			return version, apierrors.FromObject(ev.Object)
		}
		server, ok := ev.Object.(*mcpv1beta1.MCPServer)
		if !ok {
			continue
		}
		version = server.ResourceVersion
		switch ev.Type {
		case watch.Added, watch.Modified:
			view.put(server)
		case watch.Deleted:
			view.remove(server)
		}
	}
	return version, nil
}

// serverView is the list one stream shows, fed by the followers of its scopes.
type serverView struct {
	mu      sync.Mutex
	items   map[string]deploymentItem // by namespace/name
	waiting map[string]bool           // scopes whose first list has not arrived
	problem string
	changed chan struct{}
}

func newServerView(scopes []string) *serverView {
	v := &serverView{items: map[string]deploymentItem{}, waiting: map[string]bool{}, changed: make(chan struct{}, 1)}
	for _, ns := range scopes {
		v.waiting[ns] = true
	}
	if len(scopes) == 0 {
		v.notify() // nothing to wait for: an empty list is the answer
	}
	return v
}

func (v *serverView) notify() {
	select {
	case v.changed <- struct{}{}:
	default:
	}
}

// replace sets the servers of one scope (namespace, or "" for all), as a fresh list says.
func (v *serverView) replace(scope string, servers []mcpv1beta1.MCPServer) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for key, item := range v.items {
		if scope == "" || item.Namespace == scope {
			delete(v.items, key)
		}
	}
	for i := range servers {
		v.items[servers[i].Namespace+"/"+servers[i].Name] = describeDeployment(&servers[i])
	}
	delete(v.waiting, scope)
	v.problem = ""
	v.notify()
}

func (v *serverView) put(server *mcpv1beta1.MCPServer) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.items[server.Namespace+"/"+server.Name] = describeDeployment(server)
	v.notify()
}

func (v *serverView) remove(server *mcpv1beta1.MCPServer) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.items, server.Namespace+"/"+server.Name)
	v.notify()
}

func (v *serverView) setProblem(problem string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.problem = problem
	v.notify()
}

// snapshot returns the list sorted by namespace and name, and whether every scope has been
// listed once (before that, a partial list would flash on the page).
func (v *serverView) snapshot() (deploymentsEvent, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	event := deploymentsEvent{Items: make([]deploymentItem, 0, len(v.items)), Problem: v.problem}
	for _, item := range v.items {
		event.Items = append(event.Items, item)
	}
	sort.Slice(event.Items, func(i, j int) bool {
		a, b := event.Items[i], event.Items[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	return event, len(v.waiting) == 0
}
