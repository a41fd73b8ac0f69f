// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package rollout_test

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/rollout"
)

var t0 = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

func ready(tools ...string) *mcpprobe.Result {
	return &mcpprobe.Result{Outcome: mcpprobe.OutcomeReady, Tools: &mcpprobe.ToolInventory{Count: len(tools), Names: tools, Digest: strings.Join(tools, "+")}}
}

func failed(msg string) *mcpprobe.Result {
	return &mcpprobe.Result{Outcome: mcpprobe.OutcomeFailed, Reason: mcpprobe.ReasonNotMCP, Message: msg}
}

func served(tools ...string) *mcpv1beta1.MCPServerTools {
	return &mcpv1beta1.MCPServerTools{Count: int32(len(tools)), Names: tools, Digest: strings.Join(tools, "+")}
}

// rolling is the state while revision "new" replaces the verified "old", seen since t0.
func rolling() *mcpv1beta1.MCPServerRollout {
	return &mcpv1beta1.MCPServerRollout{VerifiedRevision: "old", Revision: "new", Since: &metav1.Time{Time: t0}}
}

func base() rollout.Input {
	return rollout.Input{Now: t0.Add(time.Minute), Deadline: 5 * time.Minute, Generation: 2, ConfigHash: "h2", Newest: "new",
		CanRollBack: true, Stored: rolling(), ServedTools: served("a", "b"),
		Pods: []rollout.Pod{{Name: "old-1", Revision: "old", Gate: corev1.ConditionTrue}, {Name: "new-1", Revision: "new"}}}
}

func gateOf(d rollout.Decision, pod string) *rollout.Gate {
	for i := range d.Gates {
		if d.Gates[i].Pod == pod {
			return &d.Gates[i]
		}
	}
	return nil
}

func TestFirstRevisionIsVerifiedWhenItsPodsAnswer(t *testing.T) {
	in := rollout.Input{Now: t0, Deadline: time.Minute, Generation: 1, Newest: "r1",
		Pods: []rollout.Pod{{Name: "p", Revision: "r1", Probe: ready("a")}}}
	d := rollout.Decide(in)
	if g := gateOf(d, "p"); g == nil || g.Status != corev1.ConditionTrue {
		t.Fatalf("gate: %+v", d.Gates)
	}
	if d.Condition.Reason != mcpv1beta1.ReasonRolloutVerifying || d.Status.VerifiedRevision != "" {
		t.Fatalf("before the Deployment is rolled out: %+v %+v", d.Condition, d.Status)
	}
	in.RolledOut, in.Stored = true, d.Status
	in.Pods[0].Gate = corev1.ConditionTrue
	d = rollout.Decide(in)
	if d.Condition.Status != metav1.ConditionTrue || d.Status.VerifiedRevision != "r1" || len(d.Gates) != 0 {
		t.Fatalf("rolled out: %+v %+v %+v", d.Condition, d.Status, d.Gates)
	}
}

func TestNewRevisionStartsItsDeadlineWhenFirstSeen(t *testing.T) {
	in := base()
	in.Stored = &mcpv1beta1.MCPServerRollout{VerifiedRevision: "old", Revision: "old", Since: &metav1.Time{Time: t0.Add(-time.Hour)}}
	d := rollout.Decide(in)
	if d.Status.Revision != "new" || !d.Status.Since.Time.Equal(in.Now) || d.RollBack {
		t.Fatalf("%+v rollback=%v", d.Status, d.RollBack)
	}
}

func TestPendingPodKeepsItsGateAndTheRolloutWaits(t *testing.T) {
	d := rollout.Decide(base())
	if len(d.Gates) != 0 || d.Condition.Status != metav1.ConditionUnknown || d.RollBack {
		t.Fatalf("%+v %+v", d.Gates, d.Condition)
	}
}

func TestBadRevisionFailsThenRollsBackAtTheDeadline(t *testing.T) {
	in := base()
	in.Pods[1].Probe, in.Pods[1].Failures = failed("the endpoint does not speak MCP"), 1
	d := rollout.Decide(in)
	if g := gateOf(d, "new-1"); g == nil || g.Status != corev1.ConditionFalse || !strings.Contains(g.Message, "does not speak MCP") {
		t.Fatalf("gate: %+v", d.Gates)
	}
	if d.Condition.Reason != mcpv1beta1.ReasonRolloutFailing || d.RollBack || !strings.Contains(d.Condition.Message, "rolled back at 2026-12-02T09:05:00Z") {
		t.Fatalf("before the deadline: %+v", d.Condition)
	}
	in.Now = t0.Add(5 * time.Minute)
	d = rollout.Decide(in)
	if !d.RollBack || d.Condition.Reason != mcpv1beta1.ReasonRolledBack {
		t.Fatalf("at the deadline: %+v rollback=%v", d.Condition, d.RollBack)
	}
	rb := d.Status.RolledBack
	if rb == nil || rb.Revision != "new" || rb.Generation != 2 || rb.ConfigHash != "h2" || rb.Reason != string(mcpprobe.ReasonNotMCP) {
		t.Fatalf("recorded: %+v", rb)
	}

	// The Deployment runs the verified revision again: no second rollback, the condition stays.
	in.Stored, in.Newest, in.RolledOut = d.Status, "old", true
	in.Pods = in.Pods[:1]
	d = rollout.Decide(in)
	if d.RollBack || d.Condition.Reason != mcpv1beta1.ReasonRolledBack || d.Status.VerifiedRevision != "old" {
		t.Fatalf("after the rollback: %+v %+v", d.Condition, d.Status)
	}
	if !rollout.RolledBackCurrent(d.Status, 2, "h2") {
		t.Fatal("the rolled-back generation would be tried again")
	}

	// A spec change tries again.
	in.Generation = 3
	d = rollout.Decide(in)
	if d.Status.RolledBack != nil || d.Condition.Status != metav1.ConditionTrue {
		t.Fatalf("after a spec change: %+v %+v", d.Condition, d.Status)
	}
	if rollout.RolledBackCurrent(d.Status, 2, "h2") || rollout.RolledBackCurrent(rolling(), 2, "h2") {
		t.Fatal("RolledBackCurrent without a rollback recorded")
	}
}

func TestConfigChangeTriesTheRolledBackGenerationAgain(t *testing.T) {
	st := rolling()
	st.RolledBack = &mcpv1beta1.MCPServerRolledBack{Revision: "new", Generation: 2, ConfigHash: "h2"}
	if !rollout.RolledBackCurrent(st, 2, "h2") || rollout.RolledBackCurrent(st, 2, "h3") {
		t.Fatal("a ConfigMap change must count as a new attempt")
	}
}

func TestRevisionDroppingAToolIsHeld(t *testing.T) {
	in := base()
	in.Pods[1].Probe = ready("a", "c")
	d := rollout.Decide(in)
	g := gateOf(d, "new-1")
	if g == nil || g.Status != corev1.ConditionFalse || g.Reason != rollout.GateReasonToolsRemoved || !strings.Contains(g.Message, "b") {
		t.Fatalf("gate: %+v", d.Gates)
	}
	if d.Condition.Reason != mcpv1beta1.ReasonRolloutHeld {
		t.Fatalf("condition: %+v", d.Condition)
	}
	c := d.Status.ToolChanges
	if c == nil || strings.Join(c.Added, ",") != "c" || strings.Join(c.Removed, ",") != "b" || !c.DigestChanged {
		t.Fatalf("tool changes: %+v", c)
	}
	in.AllowToolRemoval = true
	if g := gateOf(rollout.Decide(in), "new-1"); g == nil || g.Status != corev1.ConditionTrue {
		t.Fatalf("allowed: %+v", g)
	}
}

func TestAddedToolsAreFine(t *testing.T) {
	in := base()
	in.Pods[1].Probe = ready("a", "b", "c")
	in.RolledOut = true
	in.Pods = in.Pods[1:]
	d := rollout.Decide(in)
	if g := gateOf(d, "new-1"); g == nil || g.Status != corev1.ConditionTrue {
		t.Fatalf("gate: %+v", d.Gates)
	}
	if c := d.Status.ToolChanges; c == nil || strings.Join(c.Added, ",") != "c" || len(c.Removed) != 0 {
		t.Fatalf("tool changes: %+v", c)
	}
}

func TestTruncatedInventoriesCompareByDigestOnly(t *testing.T) {
	in := base()
	in.ServedTools.Truncated = true
	in.Pods[1].Probe = ready("a")
	d := rollout.Decide(in)
	if g := gateOf(d, "new-1"); g == nil || g.Status != corev1.ConditionTrue {
		t.Fatalf("gate: %+v", d.Gates)
	}
	if c := d.Status.ToolChanges; c == nil || !c.DigestChanged || len(c.Removed) != 0 {
		t.Fatalf("tool changes: %+v", c)
	}
}

func TestVerifiedPodLosesItsGateOnlyAfterRepeatedFailures(t *testing.T) {
	in := rollout.Input{Now: t0, Deadline: time.Minute, Newest: "r1", RolledOut: true,
		Stored: &mcpv1beta1.MCPServerRollout{VerifiedRevision: "r1", Revision: "r1", Since: &metav1.Time{Time: t0}},
		Pods:   []rollout.Pod{{Name: "p", Revision: "r1", Gate: corev1.ConditionTrue, Probe: failed("timeout"), Failures: 2}}}
	if d := rollout.Decide(in); len(d.Gates) != 0 {
		t.Fatalf("after 2 failures: %+v", d.Gates)
	}
	in.Pods[0].Failures = rollout.FailuresBeforeUngating
	d := rollout.Decide(in)
	if g := gateOf(d, "p"); g == nil || g.Status != corev1.ConditionFalse {
		t.Fatalf("after %d failures: %+v", rollout.FailuresBeforeUngating, d.Gates)
	}
	in.Pods[0] = rollout.Pod{Name: "p", Revision: "r1", Gate: corev1.ConditionFalse, Probe: ready()}
	if g := gateOf(rollout.Decide(in), "p"); g == nil || g.Status != corev1.ConditionTrue {
		t.Fatal("a pod that answers again regains its gate")
	}
}

func TestNoRollbackWithoutTheVerifiedReplicaSet(t *testing.T) {
	in := base()
	in.Now, in.CanRollBack = t0.Add(time.Hour), false
	d := rollout.Decide(in)
	if d.RollBack || d.Condition.Reason != mcpv1beta1.ReasonRollbackUnavailable {
		t.Fatalf("%+v", d.Condition)
	}
}

func TestFirstRevisionIsNeverRolledBack(t *testing.T) {
	in := rollout.Input{Now: t0.Add(time.Hour), Deadline: time.Minute, Newest: "r1",
		Stored: &mcpv1beta1.MCPServerRollout{Revision: "r1", Since: &metav1.Time{Time: t0}},
		Pods:   []rollout.Pod{{Name: "p", Revision: "r1", Probe: failed("refused")}}}
	d := rollout.Decide(in)
	if d.RollBack || d.Condition.Reason != mcpv1beta1.ReasonRolloutFailing {
		t.Fatalf("%+v", d.Condition)
	}
}

func TestNewLeaderTrustsTheGatesItFinds(t *testing.T) {
	in := rollout.Input{Now: t0, Deadline: time.Minute, Newest: "r2", RolledOut: true,
		Stored: &mcpv1beta1.MCPServerRollout{VerifiedRevision: "r1", Revision: "r2", Since: &metav1.Time{Time: t0}},
		Pods:   []rollout.Pod{{Name: "p", Revision: "r2", Gate: corev1.ConditionTrue}}}
	d := rollout.Decide(in)
	if d.Status.VerifiedRevision != "r2" || len(d.Gates) != 0 {
		t.Fatalf("%+v %+v", d.Status, d.Gates)
	}
}

func TestNoNewestRevisionYet(t *testing.T) {
	stored := rolling()
	d := rollout.Decide(rollout.Input{Now: t0, Stored: stored})
	if d.Condition.Status != metav1.ConditionUnknown || d.Status.VerifiedRevision != "old" {
		t.Fatalf("%+v", d)
	}
}

func TestDecisionAsksToBeMadeAgainAtTheDeadline(t *testing.T) {
	d := rollout.Decide(base())
	if d.RecheckAfter != 4*time.Minute {
		t.Fatalf("recheck after %s, want the 4 minutes left", d.RecheckAfter)
	}
	in := base()
	in.Stored.VerifiedRevision = "new"
	if d := rollout.Decide(in); d.RecheckAfter != 0 {
		t.Fatalf("nothing to roll back, yet a recheck after %s", d.RecheckAfter)
	}
}

// TestPastTheDeadlineWithoutRollbackNoBusyRecheck: with nothing to roll back to, the decision
// stands; it must not ask to be made again every second.
func TestPastTheDeadlineWithoutRollbackNoBusyRecheck(t *testing.T) {
	in := base()
	in.Now, in.CanRollBack = t0.Add(time.Hour), false
	if d := rollout.Decide(in); d.RecheckAfter != 0 {
		t.Fatalf("recheck after %s past the deadline", d.RecheckAfter)
	}
}

// TestStoredRevisionWithoutSinceStartsTheClock: a status.rollout written by someone else
// without since does not crash the decision; the deadline counts from now.
func TestStoredRevisionWithoutSinceStartsTheClock(t *testing.T) {
	in := base()
	in.Stored.Since = nil
	d := rollout.Decide(in)
	if d.Status.Since == nil || !d.Status.Since.Time.Equal(in.Now) || d.RollBack {
		t.Fatalf("%+v rollback=%v", d.Status, d.RollBack)
	}
}

// TestVerifiedRevisionStaysVerifiedWhileItsPodsComeAndGo: a scale or a restarted pod of the
// verified revision leaves the Deployment not rolled out for a while; the rollout stays
// verified, the new pod waits for its own handshake behind its gate, and a pod of that
// revision that fails is still reported.
func TestVerifiedRevisionStaysVerifiedWhileItsPodsComeAndGo(t *testing.T) {
	in := rollout.Input{Now: t0, Deadline: time.Minute, Newest: "r1",
		Stored: &mcpv1beta1.MCPServerRollout{VerifiedRevision: "r1", Revision: "r1", Since: &metav1.Time{Time: t0}},
		Pods: []rollout.Pod{{Name: "p", Revision: "r1", Gate: corev1.ConditionTrue, Probe: ready()},
			{Name: "scaled-up", Revision: "r1", Gate: corev1.ConditionFalse}}}
	d := rollout.Decide(in)
	if d.Condition.Status != metav1.ConditionTrue || d.Condition.Reason != mcpv1beta1.ReasonRolloutVerified || len(d.Gates) != 0 {
		t.Errorf("a new pod of the verified revision: %+v, gates %+v", d.Condition, d.Gates)
	}
	in.RolledOut = true
	in.Pods[1] = rollout.Pod{Name: "scaled-up", Revision: "r1", Gate: corev1.ConditionTrue, Probe: ready()}
	if rolledOut := rollout.Decide(in); rolledOut.Condition != d.Condition {
		t.Errorf("the condition changed once the pod was verified: %+v, then %+v", d.Condition, rolledOut.Condition)
	}
	in.RolledOut = false
	in.Pods[1] = rollout.Pod{Name: "scaled-up", Revision: "r1", Gate: corev1.ConditionFalse, Probe: failed("the endpoint does not speak MCP"), Failures: 1}
	if d := rollout.Decide(in); d.Condition.Status != metav1.ConditionFalse || d.Condition.Reason != mcpv1beta1.ReasonRolloutFailing {
		t.Errorf("a failing pod of the verified revision: %+v", d.Condition)
	}
}
