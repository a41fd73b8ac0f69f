// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// aRun is a run at N=1000 that meets every target of the scale issue.
func aRun() report {
	r := result{
		N: 1000, Floor: 40 * time.Second, AllReady: 50 * time.Second, FirstReady: time.Second,
		PeakRSSMiB: 45, Requests: map[string]int{"create mcpservers/status": 4000}, Writes: 4000,
		RollConfigMap: 100 * time.Second, Rollback: 150 * time.Second,
		Milestones: map[string][3]time.Duration{floorStage("Deployment available"): {time.Second}},
	}
	return report{Results: []result{r}, Idle: 2 * time.Minute, Micro: []microBenchmark{{Name: "RenderAndDiff", NsPerOp: 0.4e6}}}
}

// verdicts returns each goal of the targets table with its verdict.
func verdicts(t *testing.T, rep report) map[string]string {
	t.Helper()
	var b strings.Builder
	rep.targets(func(format string, args ...any) { fmt.Fprintf(&b, format, args...) })
	out := map[string]string{}
	for _, line := range strings.Split(b.String(), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) == 3 && cells[0] != "goal" && cells[0] != "---" {
			out[cells[0]] = cells[2]
		}
	}
	return out
}

func TestARunThatMeetsEveryTargetSaysSo(t *testing.T) {
	got := verdicts(t, aRun())
	if len(got) != 7 {
		t.Fatalf("want 7 targets for a run at N=1000, got %d: %v", len(got), got)
	}
	for goal, verdict := range got {
		if verdict != "yes" {
			t.Errorf("%q: %s, want yes", goal, verdict)
		}
	}
}

func TestEachMissedTargetIsMarked(t *testing.T) {
	for name, c := range map[string]struct {
		spoil func(*report)
		goal  string
	}{
		"slow":                      {func(r *report) { r.Results[0].AllReady = 61 * time.Second }, "all Ready within 1.5x of the floor at N=1000"},
		"no floor measured":         {func(r *report) { r.Results[0].Floor = 0 }, "all Ready within 1.5x of the floor at N=1000"},
		"late first":                {func(r *report) { r.Results[0].FirstReady = 2100 * time.Millisecond }, "first server Ready within 2 s at N=1000, while the rest are created"},
		"big":                       {func(r *report) { r.Results[0].PeakRSSMiB = 51 }, "peak RSS at most 50 MiB at N=1000"},
		"chatty":                    {func(r *report) { r.Results[0].Requests["get deployments"] = 1001 }, "at most 5 API requests per MCPServer on the way to Ready, reads and events included, at N=1000"},
		"writes while idle":         {func(r *report) { r.Results[0].IdleWrites = 1 }, "zero API writes while idle at N=1000"},
		"slow rollback":             {func(r *report) { r.Results[0].Rollback = 201 * time.Second }, "a bad revision of 1000 servers rolled back, every one, within 2x a good rollout, no failed client call"},
		"unavailable during it":     {func(r *report) { r.Results[0].RollbackMostUnavailable = 1 }, "a bad revision of 1000 servers rolled back, every one, within 2x a good rollout, no failed client call"},
		"rollback not measured":     {func(r *report) { r.Results[0].Rollback = 0 }, "a bad revision of 1000 servers rolled back within 2x a good rollout, no failed client call"},
		"render not well under 1ms": {func(r *report) { r.Micro[0].NsPerOp = 0.6e6 }, "render + diff per MCPServer well under 1 ms (one that changed)"},
	} {
		t.Run(name, func(t *testing.T) {
			rep := aRun()
			c.spoil(&rep)
			got := verdicts(t, rep)
			if got[c.goal] != "**no**" {
				t.Fatalf("%q: %q, want **no** (all: %v)", c.goal, got[c.goal], got)
			}
			for goal, verdict := range got {
				if goal != c.goal && verdict != "yes" {
					t.Errorf("%q: %s, want yes: only %q was spoilt", goal, verdict, c.goal)
				}
			}
		})
	}
}

func TestTheTargetsAtN5000AreJudgedOnTheirOwnRun(t *testing.T) {
	rep := aRun()
	big := rep.Results[0]
	big.N, big.Floor, big.AllReady, big.PeakRSSMiB, big.Requests = 5000, 200*time.Second, 400*time.Second, 140, map[string]int{"patch deployments": 5000}
	rep.Results = append(rep.Results, big)
	got := verdicts(t, rep)
	if got["all Ready within 1.5x of the floor at N=5000"] != "**no**" {
		t.Errorf("2x the floor at N=5000: %q, want **no**", got["all Ready within 1.5x of the floor at N=5000"])
	}
	if got["peak RSS at most 150 MiB at N=5000"] != "yes" || got["all Ready within 1.5x of the floor at N=1000"] != "yes" {
		t.Errorf("want the RSS at 5000 and the ratio at 1000 met: %v", got)
	}
}

func TestCountTableIsLargestFirstWithCountsPerServer(t *testing.T) {
	var b strings.Builder
	countTable(func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }, "event",
		map[string]int{"Normal RolloutVerified": 2, "Normal Available": 1000, "Warning B": 2}, 1000)
	want := "| event | count | per MCPServer |\n| --- | --- | --- |\n" +
		"| Normal Available | 1000 | 1.00 |\n| Normal RolloutVerified | 2 | 0.00 |\n| Warning B | 2 | 0.00 |\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestStatusStepNamesAvailableAndVerified(t *testing.T) {
	s := mcpv1beta1.MCPServerStatus{Conditions: []metav1.Condition{
		{Type: mcpv1beta1.ConditionVerified, Status: metav1.ConditionUnknown, Reason: "NotVerified"},
		{Type: mcpv1beta1.ConditionAccepted, Status: metav1.ConditionTrue, Reason: "Valid"},
		{Type: mcpv1beta1.ConditionAvailable, Status: metav1.ConditionUnknown, Reason: mcpv1beta1.ReasonInitializing},
	}}
	if got, want := statusStep(s), "Available Unknown/Initializing, Verified Unknown/NotVerified"; got != want {
		t.Errorf("statusStep: %q, want %q", got, want)
	}
	if got := statusStep(mcpv1beta1.MCPServerStatus{}); got != "" {
		t.Errorf("statusStep of no status: %q, want empty", got)
	}
}

func TestProfilesAreShownFromN1000Up(t *testing.T) {
	ns := func(rs []result) []int {
		var out []int
		for _, r := range rs {
			out = append(out, r.N)
		}
		return out
	}
	for _, c := range []struct{ ran, want []int }{
		{[]int{100, 1000, 5000}, []int{1000, 5000}},
		{[]int{100}, []int{100}},
		{nil, nil},
	} {
		var rs []result
		for _, n := range c.ran {
			rs = append(rs, result{N: n})
		}
		if got := ns(profiled(rs)); !slices.Equal(got, c.want) {
			t.Errorf("ran %v: profiles of %v, want %v", c.ran, got, c.want)
		}
	}
}
