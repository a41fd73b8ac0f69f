// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package handshake schedules the MCP handshakes that verify servers, off the reconcile path:
// a bounded pool of workers probes each available server's endpoint in priority order (new
// servers first, then retries, then periodic re-verification), and reports changed results
// through a channel the MCPServer controller watches. It owns what is known of each server's
// last handshake in this process; the controller owns everything written to the cluster.
package handshake

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

// Prober runs one MCP handshake against an endpoint, dialling dial (a pod) when it is set.
type Prober interface {
	ProbeVia(ctx context.Context, url, dial string, tls mcpprobe.TLS) mcpprobe.Result
}

// key names what a handshake verifies: an MCPServer through its Service (Pod "") or one of its
// pods.
type key struct {
	server types.NamespacedName
	pod    string
}

// Target is what a handshake verifies: an endpoint for one configuration of an
// MCPServer. A result counts only for the target it was made for.
type Target struct {
	URL string
	// Dial is the address of the pod a per-pod handshake verifies, "" for the Service.
	Dial       string
	Generation int64
	ConfigHash string
	// TLS is how an https URL is verified; a CA rotation is a new target.
	TLS mcpprobe.TLS
	// RolledOut: every pod runs the current pod template. A handshake made while old pods
	// still served answered for them; the one after the rollout answers for the new pods
	// (their tools, after a referenced ConfigMap changed).
	RolledOut bool
}

// serverState is the scheduler's memory of one MCPServer.
type serverState struct {
	target   Target
	result   *mcpprobe.Result
	failures int32
}

// Probe priorities: a server nobody has verified yet goes before retries, and retries go before
// the periodic re-verification of servers that are already Ready.
const (
	priorityFirst    = 10
	priorityRetry    = 5
	priorityReverify = 0
)

// Scheduler keeps MCP handshakes off the reconcile path. Reconciles tell it what each
// ready server's endpoint is; a bounded pool of workers runs the handshakes, in priority order,
// and reports changed results back through a channel that enqueues the MCPServer. It re-verifies
// healthy servers periodically and retries failed ones with exponential backoff, forever.
type Scheduler struct {
	prober  Prober
	workers int
	// Interval between re-verifications of a healthy server (with ±10% jitter), and the
	// shortest one a server's tool-list lifetime (ttlMs) can ask for.
	interval, minInterval time.Duration
	// Backoff after the first failure, doubling up to MaxBackoff.
	backoff, maxBackoff time.Duration

	queue   priorityqueue.PriorityQueue[key]
	results chan event.TypedGenericEvent[*mcpv1beta1.MCPServer]

	mu     sync.Mutex
	states map[key]*serverState
	// pods are the pods of each server that have state, so that a server's pods are found
	// without looking through every server's.
	pods map[types.NamespacedName]map[string]struct{}
}

// Options configure a Scheduler.
type Options struct {
	Workers  int
	Interval time.Duration
	// MinInterval is the floor of re-verification for a server whose tool list says it stays
	// fresh for less than Interval (MCP 2026-07-28's ttlMs); default 1 minute.
	MinInterval    time.Duration
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
}

// New returns a scheduler; it runs once added to a manager.
func New(prober Prober, o Options) *Scheduler {
	if o.Workers <= 0 {
		o.Workers = 10
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Minute
	}
	if o.MinInterval <= 0 {
		o.MinInterval = time.Minute
	}
	o.MinInterval = min(o.MinInterval, o.Interval)
	if o.InitialBackoff <= 0 {
		o.InitialBackoff = 2 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 3 * time.Minute
	}
	return &Scheduler{
		prober: prober, workers: o.Workers, interval: o.Interval, minInterval: o.MinInterval, backoff: o.InitialBackoff, maxBackoff: o.MaxBackoff,
		queue:   priorityqueue.New[key]("mcp-handshakes"),
		results: make(chan event.TypedGenericEvent[*mcpv1beta1.MCPServer], 1024),
		states:  map[key]*serverState{},
		pods:    map[types.NamespacedName]map[string]struct{}{},
	}
}

// Results is the channel of MCPServers whose handshake result changed; the controller watches it.
func (s *Scheduler) Results() <-chan event.TypedGenericEvent[*mcpv1beta1.MCPServer] {
	return s.results
}

// Observe records that server name is available at target and returns its handshake state.
// A new target (first sight, new generation, new configuration, new address) forgets earlier
// results and asks for a handshake ahead of routine work. failures is what the server's status
// counts for this generation, so that a new operator process goes on counting from there.
func (s *Scheduler) Observe(name types.NamespacedName, target Target, failures int32) status.Handshake {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.observe(key{server: name}, target, failures)
}

// ObservePod records that a pod of server name runs at target (Dial set to its address) and
// returns its handshake state; a pod is verified like a server, first before routine work,
// then periodically.
func (s *Scheduler) ObservePod(name types.NamespacedName, pod string, target Target) status.Handshake {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pods[name] == nil {
		s.pods[name] = map[string]struct{}{}
	}
	s.pods[name][pod] = struct{}{}
	return s.observe(key{server: name, pod: pod}, target, 0)
}

func (s *Scheduler) observe(k key, target Target, failures int32) status.Handshake {
	st, ok := s.states[k]
	if !ok || st.target != target {
		s.states[k] = &serverState{target: target, failures: failures}
		s.queue.AddWithOpts(priorityqueue.AddOpts{Priority: ptr.To(priorityFirst)}, k)
		return status.Handshake{}
	}
	return status.Handshake{Result: st.result, Failures: st.failures}
}

// Forget drops what is known of a server through its Service: it was deleted, or its
// Deployment is not available, so the next handshake starts afresh.
func (s *Scheduler) Forget(name types.NamespacedName) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.states, key{server: name})
}

// ForgetPods drops what is known of the server's pods except those keep names (nil: all): pods
// that are gone, or no longer verified.
func (s *Scheduler) ForgetPods(name types.NamespacedName, keep map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for pod := range s.pods[name] {
		if !keep[pod] {
			delete(s.states, key{server: name, pod: pod})
			delete(s.pods[name], pod)
		}
	}
	if len(s.pods[name]) == 0 {
		delete(s.pods, name)
	}
}

// Start runs the workers until ctx ends.
func (s *Scheduler) Start(ctx context.Context) error {
	var wg sync.WaitGroup
	for range s.workers {
		wg.Go(func() { s.work(ctx) })
	}
	<-ctx.Done()
	s.queue.ShutDown()
	wg.Wait()
	return nil
}

// NeedLeaderElection: only the leader verifies servers, since only it writes their status.
func (s *Scheduler) NeedLeaderElection() bool { return true }

func (s *Scheduler) work(ctx context.Context) {
	for {
		k, _, shutdown := s.queue.GetWithPriority()
		if shutdown {
			return
		}
		s.handshake(ctx, k)
		s.queue.Done(k)
	}
}

// handshake runs one handshake for name and records it, unless the server's target changed
// meanwhile (then the result answers a question nobody asks any more).
func (s *Scheduler) handshake(ctx context.Context, k key) {
	name := k.server
	s.mu.Lock()
	st, ok := s.states[k]
	var target Target
	if ok {
		target = st.target
	}
	s.mu.Unlock()
	if !ok {
		return
	}

	res := s.prober.ProbeVia(ctx, target.URL, target.Dial, target.TLS)
	handshakeDuration.WithLabelValues(string(res.Outcome)).Observe(res.Duration.Seconds())
	if res.Outcome == mcpprobe.OutcomeFailed {
		handshakeFailures.WithLabelValues(string(res.Reason)).Inc()
		log.FromContext(ctx).V(1).Info("MCP handshake failed", "mcpserver", name, "pod", k.pod, "url", target.URL, "reason", res.Reason, "message", res.Message)
	}
	if ctx.Err() != nil {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok = s.states[k]
	if !ok || st.target != target {
		return
	}
	changed := st.result == nil || !sameVerdict(*st.result, res)
	st.result = &res
	if res.Outcome == mcpprobe.OutcomeFailed {
		st.failures++
		changed = true
		s.queue.AddWithOpts(priorityqueue.AddOpts{After: s.retryDelay(st.failures), Priority: ptr.To(priorityRetry)}, k)
	} else {
		changed = changed || st.failures != 0
		st.failures = 0
		s.queue.AddWithOpts(priorityqueue.AddOpts{After: jitter(s.reverifyAfter(res)), Priority: ptr.To(priorityReverify)}, k)
	}
	if changed {
		s.notify(ctx, name)
	}
}

// notify enqueues the MCPServer so that its status shows the new result.
func (s *Scheduler) notify(ctx context.Context, name types.NamespacedName) {
	server := &mcpv1beta1.MCPServer{}
	server.Name, server.Namespace = name.Name, name.Namespace
	select {
	case s.results <- event.TypedGenericEvent[*mcpv1beta1.MCPServer]{Object: server}:
	case <-ctx.Done():
	}
}

// retryDelay is the exponential backoff after the n-th consecutive failure.
func (s *Scheduler) retryDelay(failures int32) time.Duration {
	d := s.backoff
	for i := int32(1); i < failures && d < s.maxBackoff; i++ {
		d *= 2
	}
	return min(d, s.maxBackoff)
}

// reverifyAfter is when a healthy server is verified again: after the interval, or sooner when
// the server said its tool list goes stale sooner (ttlMs), but never sooner than the floor.
func (s *Scheduler) reverifyAfter(res mcpprobe.Result) time.Duration {
	if res.Tools == nil || !res.Tools.HasTTL {
		return s.interval
	}
	return min(max(res.Tools.TTL, s.minInterval), s.interval)
}

// sameVerdict reports whether two results would show the same in status, so that a routine
// re-verification that finds nothing new triggers no reconcile and no write.
func sameVerdict(a, b mcpprobe.Result) bool {
	if a.Outcome != b.Outcome || a.Reason != b.Reason || a.Message != b.Message || !a.Server.Equal(b.Server) ||
		a.Transport != b.Transport || !slices.Equal(a.Deprecated, b.Deprecated) {
		return false
	}
	if (a.Tools == nil) != (b.Tools == nil) {
		return false
	}
	return a.Tools == nil || (a.Tools.Digest == b.Tools.Digest && a.Tools.Count == b.Tools.Count)
}

// jitter spreads re-verifications by ±10% so that servers created together are not all
// verified in the same second forever after.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.2-0.1)*float64(d))
}
