// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status_test

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

var (
	t0 = metav1.NewTime(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	t1 = metav1.NewTime(t0.Add(time.Minute))
)

func available(n int32) status.Workload {
	return status.Workload{Found: true, Current: true, Desired: n, Replicas: n, Ready: n, Available: n}
}

func ready(tools int) *mcpprobe.Result {
	r := &mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Transport: "streamable-http",
		Server: mcpprobe.ServerInfo{Name: "weather", Version: "1.0", ProtocolVersion: "2025-06-18", Tools: true}}
	if tools > 0 {
		r.Tools = &mcpprobe.ToolInventory{Count: tools, Names: []string{"forecast"}, Digest: "sha256:abc"}
	}
	return r
}

// TestReadyReasons covers every reason of the Ready condition, and the Accepted condition both ways.
func TestReadyReasons(t *testing.T) {
	tests := map[string]struct {
		obs      status.Observation
		previous metav1.ConditionStatus
		accepted metav1.ConditionStatus
		status   metav1.ConditionStatus
		reason   string
		message  string
	}{
		"invalid spec": {
			obs:      status.Observation{Problems: []string{`ConfigMap "cfg" not found`}},
			accepted: metav1.ConditionFalse, status: metav1.ConditionFalse, reason: mcpv1beta1.ReasonConfigurationInvalid,
			message: `ConfigMap "cfg" not found`,
		},
		"no Deployment yet": {
			obs:      status.Observation{},
			accepted: metav1.ConditionTrue, status: metav1.ConditionUnknown, reason: mcpv1beta1.ReasonInitializing,
			message: "waiting for the Deployment controller",
		},
		"Deployment not observed yet": {
			obs:      status.Observation{Workload: status.Workload{Found: true, Desired: 1}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionUnknown, reason: mcpv1beta1.ReasonInitializing,
		},
		"pods starting": {
			obs:      status.Observation{Workload: status.Workload{Found: true, Current: true, Desired: 1, Replicas: 1}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionUnknown, reason: mcpv1beta1.ReasonInitializing,
			message: "0 of 1 replicas available; waiting for pods",
		},
		"pods failing": {
			obs: status.Observation{Workload: status.Workload{Found: true, Current: true, Desired: 1, Replicas: 1,
				PodProblems: []string{"container mcp-server: ImagePullBackOff"}}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionFalse, reason: mcpv1beta1.ReasonDeploymentUnavailable,
			message: "0 of 1 replicas available: container mcp-server: ImagePullBackOff",
		},
		"rollout stalled": {
			obs:      status.Observation{Workload: status.Workload{Found: true, Current: true, Desired: 1, ProgressDeadlineExceeded: true}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionFalse, reason: mcpv1beta1.ReasonDeploymentUnavailable,
			message: "progress deadline",
		},
		"pods lost after being ready": {
			obs:      status.Observation{Workload: status.Workload{Found: true, Current: true, Desired: 2, Replicas: 2}},
			previous: metav1.ConditionTrue,
			accepted: metav1.ConditionTrue, status: metav1.ConditionFalse, reason: mcpv1beta1.ReasonDeploymentUnavailable,
		},
		"scaled to zero": {
			obs:      status.Observation{Workload: status.Workload{Found: true, Current: true}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionTrue, reason: mcpv1beta1.ReasonScaledToZero,
		},
		"scaling to zero": {
			obs:      status.Observation{Workload: status.Workload{Found: true, Current: true, Replicas: 1}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionUnknown, reason: mcpv1beta1.ReasonInitializing,
			message: "scaling to zero",
		},
		"available, handshake pending": {
			obs:      status.Observation{Address: "http://a.b.svc:8080/mcp", Workload: available(1)},
			accepted: metav1.ConditionTrue, status: metav1.ConditionUnknown, reason: mcpv1beta1.ReasonInitializing,
			message: "verifying the MCP endpoint http://a.b.svc:8080/mcp",
		},
		"available and speaking MCP": {
			obs:      status.Observation{Workload: available(2), Handshake: status.Handshake{Result: ready(3)}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionTrue, reason: mcpv1beta1.ReasonAvailable,
			message: `2 of 2 replicas available; MCP server "weather 1.0" answered the initialize handshake (protocol 2025-06-18, streamable-http) and lists 3 tools`,
		},
		"available and discovered (2026-07-28)": {
			obs: status.Observation{Workload: available(1), Handshake: status.Handshake{Result: &mcpprobe.Result{
				Outcome: mcpprobe.OutcomeReady, Transport: "streamable-http",
				Server: mcpprobe.ServerInfo{Name: "weather", Version: "2.0", ProtocolVersion: "2026-07-28", SupportedVersions: []string{"2026-07-28"}}}}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionTrue, reason: mcpv1beta1.ReasonAvailable,
			message: `MCP server "weather 2.0" answered server/discover (protocol 2026-07-28, streamable-http)`,
		},
		"authentication required": {
			obs: status.Observation{Workload: available(1), Handshake: status.Handshake{Result: &mcpprobe.Result{
				Outcome: mcpprobe.OutcomeAuthRequired, Message: "the server requires MCP authorization"}}},
			// v1alpha1's Ready says Available (upstream's rule 3); Verified says why.
			accepted: metav1.ConditionTrue, status: metav1.ConditionTrue, reason: mcpv1beta1.ReasonAvailable,
			message: "requires MCP authorization",
		},
		"available but not speaking MCP": {
			obs: status.Observation{Workload: available(1), Handshake: status.Handshake{Failures: 3, Result: &mcpprobe.Result{
				Outcome: mcpprobe.OutcomeFailed, Reason: mcpprobe.ReasonConnectionRefused, Message: "connection refused by a:8080"}}},
			accepted: metav1.ConditionTrue, status: metav1.ConditionFalse, reason: mcpv1alpha1.ReasonMCPEndpointUnavailable,
			message: "the MCP handshake failed 3 times in a row: connection refused by a:8080",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var prev mcpv1beta1.MCPServerStatus
			if tc.previous != "" {
				prev.Conditions = []metav1.Condition{{Type: mcpv1beta1.ConditionVerified, Status: tc.previous, Reason: "Any", LastTransitionTime: t0}}
			}
			tc.obs.Generation = 4
			got := status.Compute(prev, tc.obs, t1)
			a := meta.FindStatusCondition(got.Conditions, mcpv1beta1.ConditionAccepted)
			r := mcpv1alpha1.ReadyFrom(got.Conditions)
			if a == nil || r == nil {
				t.Fatalf("conditions %+v", got.Conditions)
			}
			if a.Status != tc.accepted {
				t.Errorf("Accepted %s (%s), want %s", a.Status, a.Message, tc.accepted)
			}
			if r.Status != tc.status || r.Reason != tc.reason {
				t.Errorf("Ready %s/%s (%s), want %s/%s", r.Status, r.Reason, r.Message, tc.status, tc.reason)
			}
			if !strings.Contains(r.Message, tc.message) {
				t.Errorf("Ready message %q does not contain %q", r.Message, tc.message)
			}
			if a.ObservedGeneration != 4 || r.ObservedGeneration != 4 || got.ObservedGeneration != 4 {
				t.Errorf("generations not stamped: %d %d %d", a.ObservedGeneration, r.ObservedGeneration, got.ObservedGeneration)
			}
		})
	}
}

// TestComputeIsStable: computing again from the result, later, gives an equal status, so the
// reconciler writes nothing; a real change moves lastTransitionTime only for that condition.
// TestServerInfoSaysWhatDiscoveryFound: the revisions a server listed and the deprecated
// features it uses are in status.serverInfo; a server met with initialize lists none.
func TestServerInfoSaysWhatDiscoveryFound(t *testing.T) {
	res := ready(1)
	res.Server.ProtocolVersion, res.Server.SupportedVersions = "2026-07-28", []string{"2026-07-28", "2025-11-25"}
	res.Server.Logging = true
	res.Deprecated = []mcpprobe.DeprecatedFeature{mcpprobe.DeprecatedLogging}
	got := status.Compute(mcpv1beta1.MCPServerStatus{}, status.Observation{Generation: 1, Workload: available(1), Handshake: status.Handshake{Result: res}}, t1)
	info := got.ServerInfo
	if info == nil || strings.Join(info.SupportedProtocolVersions, ",") != "2026-07-28,2025-11-25" || strings.Join(info.DeprecatedFeatures, ",") != "Logging" || !info.Capabilities.Logging {
		t.Errorf("serverInfo %+v", info)
	}
	legacy := status.Compute(mcpv1beta1.MCPServerStatus{}, status.Observation{Generation: 1, Workload: available(1), Handshake: status.Handshake{Result: ready(1)}}, t1)
	if info := legacy.ServerInfo; info == nil || info.SupportedProtocolVersions != nil || info.DeprecatedFeatures != nil {
		t.Errorf("a 2025-06-18 server's serverInfo %+v", info)
	}
}

func TestComputeIsStable(t *testing.T) {
	obs := status.Observation{Generation: 2, Address: "http://a", DeploymentName: "a", ServiceName: "a",
		Workload: available(1), Handshake: status.Handshake{Result: ready(1)}}
	first := status.Compute(mcpv1beta1.MCPServerStatus{}, obs, t0)
	again := status.Compute(first, obs, t1)
	if !equality.Semantic.DeepEqual(first, again) {
		t.Fatalf("status changed although nothing did:\n%+v\n%+v", first, again)
	}
	obs.Handshake = status.Handshake{Failures: 1, Result: &mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed, Message: "refused"}}
	failed := status.Compute(again, obs, t1)
	if c := mcpv1alpha1.ReadyFrom(failed.Conditions); !c.LastTransitionTime.Equal(&t1) {
		t.Errorf("Ready moved but kept transition time %v", c.LastTransitionTime)
	}
	if c := meta.FindStatusCondition(failed.Conditions, mcpv1beta1.ConditionAccepted); !c.LastTransitionTime.Equal(&t0) {
		t.Errorf("Accepted did not move but its transition time did: %v", c.LastTransitionTime)
	}
	if failed.ServerInfo == nil || failed.HandshakeRetryCount != 1 {
		t.Errorf("serverInfo %v retry count %d: want the last known identity kept and 1 retry", failed.ServerInfo, failed.HandshakeRetryCount)
	}
}

// TestANewOperatorKeepsTheLastVerdict: a new operator process (a restart, a new leader) has no
// handshake result yet; the verdict in the status stands until its first handshake, so that
// Ready does not flap and nothing is written. A verdict on another generation or address does not.
func TestANewOperatorKeepsTheLastVerdict(t *testing.T) {
	obs := status.Observation{Generation: 2, Address: "http://a", DeploymentName: "a", ServiceName: "a", Workload: available(1)}
	for name, result := range map[string]*mcpprobe.Result{
		"ready":  ready(1),
		"failed": {Outcome: mcpprobe.OutcomeFailed, Message: "refused"},
	} {
		t.Run(name, func(t *testing.T) {
			known := obs
			known.Handshake = status.Handshake{Result: result, Failures: 3}
			if result.Outcome == mcpprobe.OutcomeReady {
				known.Handshake.Failures = 0
			}
			before := status.Compute(mcpv1beta1.MCPServerStatus{}, known, t0)
			restarted := status.Compute(before, obs, t1)
			if !equality.Semantic.DeepEqual(before, restarted) {
				t.Errorf("a new process changed the status before its first handshake:\n%+v\n%+v", before, restarted)
			}
			// Only a verified server publishes the address its verdict was about, and only its
			// verdict stands for a new generation at that address (the test below).
			changes := map[string]status.Observation{
				"generation": func() status.Observation { o := obs; o.Generation = 3; return o }(),
			}
			if result.Outcome == mcpprobe.OutcomeReady {
				changes = map[string]status.Observation{
					"address": func() status.Observation { o := obs; o.Address = "http://b"; return o }(),
				}
			}
			for what, changed := range changes {
				c := mcpv1alpha1.ReadyFrom(status.Compute(before, changed, t1).Conditions)
				if c.Reason != mcpv1beta1.ReasonInitializing {
					t.Errorf("a new %s kept the old verdict: %s %s", what, c.Reason, c.Message)
				}
			}
		})
	}
}

// TestAVerifiedServerStaysVerifiedThroughASpecChange: a new generation at the same address (a
// scale, a new image behind verified rollouts) keeps the verdict on the earlier one, stamped
// with that generation, and the address, until its own first handshake; also while the
// Deployment controller has not caught up with the Deployment, as long as pods are available.
// A new address, or no available pod, is verified afresh.
func TestAVerifiedServerStaysVerifiedThroughASpecChange(t *testing.T) {
	obs := status.Observation{Generation: 2, Address: "http://a", DeploymentName: "a", ServiceName: "a",
		Workload: available(1), Handshake: status.Handshake{Result: ready(1)}}
	before := status.Compute(mcpv1beta1.MCPServerStatus{}, obs, t0)
	behind := available(1)
	behind.Current = false
	for what, w := range map[string]status.Workload{"handshake pending": available(2), "Deployment controller behind": behind} {
		t.Run(what, func(t *testing.T) {
			changed := status.Observation{Generation: 3, Address: "http://a", DeploymentName: "a", ServiceName: "a", Workload: w}
			next := status.Compute(before, changed, t1)
			if c := mcpv1alpha1.ReadyFrom(next.Conditions); c.Status != metav1.ConditionTrue || !c.LastTransitionTime.Equal(&t0) {
				t.Errorf("Ready %s/%s since %v, want True since before the change: %s", c.Status, c.Reason, c.LastTransitionTime, c.Message)
			}
			v := meta.FindStatusCondition(next.Conditions, mcpv1beta1.ConditionVerified)
			if v.Status != metav1.ConditionTrue || v.ObservedGeneration != 2 {
				t.Errorf("Verified %s for generation %d, want True for generation 2 (the one verified)", v.Status, v.ObservedGeneration)
			}
			if a := meta.FindStatusCondition(next.Conditions, mcpv1beta1.ConditionAvailable); a.ObservedGeneration != 3 || !strings.Contains(a.Message, "verifying generation 3") {
				t.Errorf("Available for generation %d says %q, want generation 3 being verified", a.ObservedGeneration, a.Message)
			}
			if next.Address == nil || next.Address.URL != "http://a" || next.ObservedGeneration != 3 {
				t.Errorf("address %v at observed generation %d, want http://a kept at 3", next.Address, next.ObservedGeneration)
			}
			verdict := changed
			verdict.Handshake = status.Handshake{Result: ready(2)}
			verdict.Workload = available(2)
			if v := meta.FindStatusCondition(status.Compute(next, verdict, t1).Conditions, mcpv1beta1.ConditionVerified); v.ObservedGeneration != 3 {
				t.Errorf("the new generation's handshake left Verified at generation %d", v.ObservedGeneration)
			}
		})
	}
	for what, changed := range map[string]status.Observation{
		"address":          {Generation: 3, Address: "http://b", DeploymentName: "a", ServiceName: "a", Workload: available(1)},
		"no available pod": {Generation: 3, Address: "http://a", DeploymentName: "a", ServiceName: "a", Workload: status.Workload{Found: true, Desired: 1}},
	} {
		if c := mcpv1alpha1.ReadyFrom(status.Compute(before, changed, t1).Conditions); c.Status == metav1.ConditionTrue {
			t.Errorf("a new %s kept Ready True: %s %s", what, c.Reason, c.Message)
		}
	}
}

// TestStatusStaysWithinLimits: whatever a server reports, status stays bounded.
func TestStatusStaysWithinLimits(t *testing.T) {
	r := ready(1)
	r.Server.Instructions = strings.Repeat("i", 100000)
	got := status.Compute(mcpv1beta1.MCPServerStatus{}, status.Observation{Workload: available(1), Handshake: status.Handshake{Result: r}}, t0)
	if n := len(got.ServerInfo.Instructions); n > 4100 {
		t.Errorf("instructions kept at %d bytes", n)
	}
}

// TestProgressOnly: rollout progress while initializing is not worth a write; anything else is.
func TestProgressOnly(t *testing.T) {
	rollingOut := status.Workload{Found: true, Current: true, Desired: 1}
	start := status.Compute(mcpv1beta1.MCPServerStatus{}, status.Observation{Generation: 1, Address: "http://a"}, t0)
	podsStarting := status.Compute(start, status.Observation{Generation: 1, Address: "http://a", Workload: rollingOut}, t1)
	verifying := status.Compute(podsStarting, status.Observation{Generation: 1, Address: "http://a", Workload: available(1)}, t1)
	readyNow := status.Compute(verifying, status.Observation{Generation: 1, Address: "http://a", Workload: available(1),
		Handshake: status.Handshake{Result: ready(1)}}, t1)
	crashing := rollingOut
	crashing.PodProblems = []string{"pod a: CrashLoopBackOff"}
	failedPods := status.Compute(podsStarting, status.Observation{Generation: 1, Address: "http://a", Workload: crashing}, t1)
	specChanged := status.Compute(podsStarting, status.Observation{Generation: 2, Address: "http://a", Workload: rollingOut}, t1)
	tests := map[string]struct {
		from, to mcpv1beta1.MCPServerStatus
		want     bool
	}{
		"pods starting":                  {start, podsStarting, true},
		"pods available, verifying":      {podsStarting, verifying, true},
		"ready":                          {verifying, readyNow, false},
		"pod problems":                   {podsStarting, failedPods, false},
		"a new generation":               {podsStarting, specChanged, false},
		"the first status of all":        {mcpv1beta1.MCPServerStatus{}, start, false},
		"a ready server's replica count": {readyNow, func() mcpv1beta1.MCPServerStatus { s := readyNow; s.Replicas = 2; return s }(), false},
	}
	for name, tc := range tests {
		if got := status.ProgressOnly(tc.from, tc.to); got != tc.want {
			t.Errorf("%s: ProgressOnly = %v, want %v", name, got, tc.want)
		}
	}
	if !status.ProgressOnly(start, start) {
		t.Error("an unchanged initializing status is not progress only")
	}
}

// TestEveryHandshakeOutcomeHasAVerdictThatIsKept: each outcome a probe can have decides a Ready
// reason of its own, which a new operator process keeps (LastVerdict) until its own first
// handshake. An outcome added to mcpprobe, or a verdict added to ready() but not to
// LastVerdict, fails here.
func TestEveryHandshakeOutcomeHasAVerdictThatIsKept(t *testing.T) {
	obs := status.Observation{Generation: 1, Address: "http://a", DeploymentName: "a", ServiceName: "a", Workload: available(1)}
	reasons := map[string]mcpprobe.Outcome{}
	for _, outcome := range mcpprobe.Outcomes {
		known := obs
		known.Handshake = status.Handshake{Result: &mcpprobe.Result{Outcome: outcome, Message: "m",
			Server: mcpprobe.ServerInfo{Name: "s", ProtocolVersion: "2025-11-25"}}}
		if outcome == mcpprobe.OutcomeFailed {
			known.Handshake.Failures = 3 // past the settling attempts of a new server
		}
		verdict := status.Compute(mcpv1beta1.MCPServerStatus{}, known, t0)
		c := meta.FindStatusCondition(verdict.Conditions, mcpv1beta1.ConditionVerified)
		if c.Status == metav1.ConditionUnknown {
			t.Errorf("outcome %s has no verdict: %s", outcome, c.Message)
			continue
		}
		if other, taken := reasons[c.Reason]; taken {
			t.Errorf("outcomes %s and %s both give %s", other, outcome, c.Reason)
		}
		reasons[c.Reason] = outcome
		if status.LastVerdict(verdict, obs.Generation, obs.Address) == nil {
			t.Errorf("outcome %s gives %s, which LastVerdict does not keep", outcome, c.Reason)
		}
		restarted := meta.FindStatusCondition(status.Compute(verdict, obs, t1).Conditions, mcpv1beta1.ConditionVerified)
		if restarted.Reason != c.Reason {
			t.Errorf("outcome %s: a new process reports %s before its first handshake, want %s", outcome, restarted.Reason, c.Reason)
		}
	}
}

// TestANewServerSettlesBeforeItIsUnavailable: the first handshakes of a server never verified
// at its endpoint may meet a Service that does not route to its pods yet; two failures keep it
// Initializing (saying what failed), the third makes it MCPEndpointUnavailable. A server that
// was Ready, or had a verdict at that endpoint, is unavailable at its first failure.
func TestANewServerSettlesBeforeItIsUnavailable(t *testing.T) {
	obs := status.Observation{Generation: 1, Address: "http://a", DeploymentName: "a", ServiceName: "a", Workload: available(1)}
	failed := func(n int32) status.Observation {
		o := obs
		o.Handshake = status.Handshake{Result: &mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed, Message: "connection refused"}, Failures: n}
		return o
	}
	ready := func(s mcpv1beta1.MCPServerStatus) metav1.Condition {
		return *mcpv1alpha1.ReadyFrom(s.Conditions)
	}
	fresh := mcpv1beta1.MCPServerStatus{}
	for n, want := range map[int32]string{1: mcpv1beta1.ReasonInitializing, 2: mcpv1beta1.ReasonInitializing, 3: mcpv1alpha1.ReasonMCPEndpointUnavailable} {
		c := ready(status.Compute(fresh, failed(n), t0))
		if c.Reason != want {
			t.Errorf("a new server after %d failures: Ready %s %s (%s), want %s", n, c.Status, c.Reason, c.Message, want)
		}
		if !strings.Contains(c.Message, "connection refused") {
			t.Errorf("after %d failures the message %q does not say what failed", n, c.Message)
		}
	}
	ok := obs
	ok.Handshake = status.Handshake{Result: &mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Server: mcpprobe.ServerInfo{Name: "s"}}}
	wasReady := status.Compute(fresh, ok, t0)
	if c := ready(status.Compute(wasReady, failed(1), t1)); c.Reason != mcpv1alpha1.ReasonMCPEndpointUnavailable {
		t.Errorf("a Ready server after its first failure: %s %s, want MCPEndpointUnavailable", c.Status, c.Reason)
	}
}

// TestPhaseSumsTheConditionsUp: status.phase, for the OpenShift AI dashboard, from the
// conditions of each state a server goes through.
func TestPhaseSumsTheConditionsUp(t *testing.T) {
	obs := status.Observation{Generation: 1, Address: "http://a", DeploymentName: "a", ServiceName: "a"}
	with := func(change func(*status.Observation)) status.Observation {
		o := obs
		change(&o)
		return o
	}
	for name, tc := range map[string]struct {
		obs  status.Observation
		want mcpv1beta1.Phase
	}{
		"not rolled out yet": {obs, mcpv1beta1.PhasePending},
		"verifying":          {with(func(o *status.Observation) { o.Workload = available(1) }), mcpv1beta1.PhasePending},
		"verified": {with(func(o *status.Observation) {
			o.Workload, o.Handshake = available(1), status.Handshake{Result: ready(1)}
		}), mcpv1beta1.PhaseAvailable},
		"scaled to zero": {with(func(o *status.Observation) { o.Workload = status.Workload{Found: true, Current: true} }), mcpv1beta1.PhaseAvailable},
		"invalid":        {with(func(o *status.Observation) { o.Problems = []string{"ConfigMap x not found"} }), mcpv1beta1.PhaseFailed},
		"not speaking MCP": {with(func(o *status.Observation) {
			o.Workload, o.Handshake = available(1), status.Handshake{Failures: 3, Result: &mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed}}
		}), mcpv1beta1.PhaseFailed},
		"pods crash": {with(func(o *status.Observation) {
			o.Workload = status.Workload{Found: true, Current: true, Desired: 1, PodProblems: []string{"CrashLoopBackOff"}}
		}), mcpv1beta1.PhaseFailed},
	} {
		if got := status.Compute(mcpv1beta1.MCPServerStatus{}, tc.obs, t0).Phase; got != tc.want {
			t.Errorf("%s: phase %q, want %q", name, got, tc.want)
		}
	}
}

// TestAddressOnlyWhileVerified: status.address.url is published once the server is verified,
// and withdrawn when it stops speaking MCP, as upstream's v1beta1 does.
func TestAddressOnlyWhileVerified(t *testing.T) {
	obs := status.Observation{Generation: 1, Address: "http://a.b.svc:8080/mcp", DeploymentName: "a", ServiceName: "a", Workload: available(1)}
	verifying := status.Compute(mcpv1beta1.MCPServerStatus{}, obs, t0)
	if verifying.Address != nil {
		t.Errorf("address %+v before the handshake", verifying.Address)
	}
	obs.Handshake = status.Handshake{Result: ready(1)}
	verified := status.Compute(verifying, obs, t0)
	if verified.Address == nil || verified.Address.URL != obs.Address {
		t.Fatalf("address %+v once verified", verified.Address)
	}
	obs.Handshake = status.Handshake{Failures: 1, Result: &mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed, Message: "refused"}}
	if failed := status.Compute(verified, obs, t1); failed.Address != nil {
		t.Errorf("address %+v kept after a failed handshake", failed.Address)
	}
}

// TestFirstWriteWait: a new server's first status waits, for the rest of FirstStatusGrace
// after its Deployment was created, only while it says nothing but "initializing".
func TestFirstWriteWait(t *testing.T) {
	created := t0.Time
	starting := status.Workload{Found: true, Current: true, Desired: 1, Created: created}
	obs := func(mutate func(*status.Observation)) status.Observation {
		o := status.Observation{Generation: 1, Address: "http://a", Workload: starting, Network: status.NetworkOf(nil)}
		if mutate != nil {
			mutate(&o)
		}
		return o
	}
	first := func(o status.Observation) mcpv1beta1.MCPServerStatus {
		return status.Compute(mcpv1beta1.MCPServerStatus{}, o, t0)
	}
	initializing := first(obs(nil))
	crashing := obs(func(o *status.Observation) { o.Workload.PodProblems = []string{"pod a: CrashLoopBackOff"} })
	invalid := obs(func(o *status.Observation) { o.Problems = []string{`ConfigMap "cfg" not found`} })
	noRouteAPI := obs(func(o *status.Observation) { o.Exposure = status.Exposure{Wanted: true, Path: "/mcp"} })
	tests := map[string]struct {
		stored, next mcpv1beta1.MCPServerStatus
		workload     status.Workload
		now          time.Time
		want         time.Duration
	}{
		"initializing, just created":       {next: initializing, workload: starting, now: created, want: status.FirstStatusGrace},
		"initializing, two seconds in":     {next: initializing, workload: starting, now: created.Add(2 * time.Second), want: status.FirstStatusGrace - 2*time.Second},
		"initializing, the grace is over":  {next: initializing, workload: starting, now: created.Add(status.FirstStatusGrace)},
		"a status was written before":      {stored: initializing, next: initializing, workload: starting, now: created},
		"no Deployment":                    {next: initializing, workload: status.Workload{}, now: created},
		"pods crashing":                    {next: first(crashing), workload: crashing.Workload, now: created},
		"spec rejected":                    {next: first(invalid), workload: starting, now: created},
		"a Route the cluster cannot serve": {next: first(noRouteAPI), workload: starting, now: created},
	}
	for name, tc := range tests {
		if got := status.FirstWriteWait(tc.stored, tc.next, tc.workload, tc.now); got != tc.want {
			t.Errorf("%s: FirstWriteWait = %v, want %v", name, got, tc.want)
		}
	}
	if c := meta.FindStatusCondition(initializing.Conditions, mcpv1beta1.ConditionNetworkPolicyRestricted); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("NetworkPolicyRestricted %+v: the case of an open network, which must not make the first status hurry, is not covered", c)
	}
}
