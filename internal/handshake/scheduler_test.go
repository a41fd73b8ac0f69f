// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package handshake

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
)

// refusingProber fails every handshake.
type refusingProber struct{}

func (refusingProber) ProbeVia(context.Context, string, string, mcpprobe.TLS) mcpprobe.Result {
	return mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed, Reason: "ConnectionRefused", Message: "connection refused"}
}

// TestANewProcessGoesOnCountingRetries: a scheduler that meets a server for the first time
// starts from the failures its status already counts, so a restarted operator (or a new
// leader) reports the consecutive failures of the generation, not its own.
func TestANewProcessGoesOnCountingRetries(t *testing.T) {
	s := New(refusingProber{}, Options{})
	name := types.NamespacedName{Namespace: "ns", Name: "failing"}
	target := Target{URL: "http://failing.ns.svc.cluster.local:8080/mcp", Generation: 2, ConfigHash: "h"}
	if got := s.Observe(name, target, 3); got.Result != nil || got.Failures != 0 {
		t.Fatalf("before any handshake of this process: %+v, want no result and no failures of its own", got)
	}
	s.handshake(context.Background(), key{server: name})
	if got := s.Observe(name, target, 0); got.Failures != 4 || got.Result == nil {
		t.Errorf("after one more failure: %d failures (result %v), want 4", got.Failures, got.Result)
	}
	target.Generation = 3
	if got := s.Observe(name, target, 0); got.Failures != 0 {
		t.Errorf("a new generation kept %d failures", got.Failures)
	}
}

func TestRetryDelayDoublesUpToTheCap(t *testing.T) {
	s := New(refusingProber{}, Options{InitialBackoff: time.Second, MaxBackoff: 10 * time.Second})
	want := map[int32]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 40: 10 * time.Second}
	for failures, d := range want {
		if got := s.retryDelay(failures); got != d {
			t.Errorf("after %d failures: %s, want %s", failures, got, d)
		}
	}
}

func TestSameVerdict(t *testing.T) {
	tools := func(digest string, n int) *mcpprobe.ToolInventory {
		return &mcpprobe.ToolInventory{Digest: digest, Count: n}
	}
	base := mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Message: "ok", Tools: tools("d1", 2), Duration: time.Second}
	tests := map[string]struct {
		other mcpprobe.Result
		same  bool
	}{
		"only the duration differs": {mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Message: "ok", Tools: tools("d1", 2), Duration: time.Minute}, true},
		"another outcome":           {mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed, Message: "ok", Tools: tools("d1", 2)}, false},
		"another message":           {mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Message: "changed", Tools: tools("d1", 2)}, false},
		"other tools":               {mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Message: "ok", Tools: tools("d2", 2)}, false},
		"no tools any more":         {mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Message: "ok"}, false},
		"other supported versions": {mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Message: "ok", Tools: tools("d1", 2),
			Server: mcpprobe.ServerInfo{SupportedVersions: []string{"2026-07-28"}}}, false},
		"a deprecated feature found": {mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Message: "ok", Tools: tools("d1", 2),
			Deprecated: []mcpprobe.DeprecatedFeature{mcpprobe.DeprecatedLogging}}, false},
	}
	for name, tc := range tests {
		if got := sameVerdict(base, tc.other); got != tc.same {
			t.Errorf("%s: sameVerdict = %v, want %v", name, got, tc.same)
		}
	}
}

// TestReverifyHonoursTheToolListLifetime: a server whose tool list says it goes stale sooner
// than the interval (ttlMs) is verified again then, but never sooner than the floor; a server
// that says nothing, or a lifetime longer than the interval, waits the interval.
func TestReverifyHonoursTheToolListLifetime(t *testing.T) {
	s := New(refusingProber{}, Options{Interval: 5 * time.Minute, MinInterval: time.Minute})
	ttl := func(d time.Duration) mcpprobe.Result {
		return mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Tools: &mcpprobe.ToolInventory{TTL: d, HasTTL: true}}
	}
	tests := map[string]struct {
		res  mcpprobe.Result
		want time.Duration
	}{
		"no tools":                   {mcpprobe.Result{Outcome: mcpprobe.OutcomeReady}, 5 * time.Minute},
		"no lifetime (before 2026)":  {mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Tools: &mcpprobe.ToolInventory{}}, 5 * time.Minute},
		"stale at once (ttlMs 0)":    {ttl(0), time.Minute},
		"under the floor":            {ttl(10 * time.Second), time.Minute},
		"between floor and interval": {ttl(2 * time.Minute), 2 * time.Minute},
		"longer than the interval":   {ttl(time.Hour), 5 * time.Minute},
	}
	for name, tc := range tests {
		if got := s.reverifyAfter(tc.res); got != tc.want {
			t.Errorf("%s: re-verified after %s, want %s", name, got, tc.want)
		}
	}
	if short := New(refusingProber{}, Options{Interval: 20 * time.Second}); short.reverifyAfter(ttl(0)) != 20*time.Second {
		t.Errorf("a floor above the interval: re-verified after %s, want the interval", short.reverifyAfter(ttl(0)))
	}
}

func TestJitterStaysWithinTenPercent(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 1000 {
		d := jitter(time.Minute)
		if d < 54*time.Second || d > 66*time.Second {
			t.Fatalf("jitter(1m) = %s, outside ±10%%", d)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct delays in 1000: the spread does not spread", len(seen))
	}
}

// TestPodsAreVerifiedApartFromTheirServer: a pod's handshake dials the pod, counts for that
// pod only, and goes with ForgetPods.
func TestPodsAreVerifiedApartFromTheirServer(t *testing.T) {
	dialled := &recordingProber{}
	s := New(dialled, Options{})
	name := types.NamespacedName{Namespace: "ns", Name: "weather"}
	target := Target{URL: "http://weather.ns.svc.cluster.local:8080/mcp", Dial: "10.0.0.7:8080"}
	if got := s.ObservePod(name, "weather-1", target); got.Result != nil {
		t.Fatalf("before any handshake: %+v", got)
	}
	s.handshake(context.Background(), key{server: name, pod: "weather-1"})
	if dialled.dial != "10.0.0.7:8080" {
		t.Errorf("dialled %q, want the pod", dialled.dial)
	}
	if got := s.ObservePod(name, "weather-1", target); got.Result == nil || got.Failures != 1 {
		t.Errorf("after a handshake: %+v", got)
	}
	if got := s.Observe(name, Target{URL: target.URL}, 0); got.Result != nil {
		t.Errorf("the Service's state took the pod's result: %+v", got)
	}
	s.ForgetPods(name, map[string]bool{"weather-2": true})
	if got := s.ObservePod(name, "weather-1", target); got.Result != nil {
		t.Errorf("a forgotten pod kept its result: %+v", got)
	}
}

type recordingProber struct{ dial string }

func (p *recordingProber) ProbeVia(_ context.Context, _, dial string, _ mcpprobe.TLS) mcpprobe.Result {
	p.dial = dial
	return mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed, Reason: "ConnectionRefused", Message: "connection refused"}
}
