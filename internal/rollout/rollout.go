// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package rollout decides verified rollouts: which pods may take traffic (the readiness gate
// mcp.x-k8s.io/verified), whether the newest revision of a server is verified, held for the
// tools it drops, or due to be rolled back, and what the MCPServer's status remembers of it.
// Decide is a pure function of what the controller observed; the controller reads the cluster
// and writes what Decide returns.
package rollout

import (
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
)

// GateCondition is the pod condition type of the readiness gate the operator sets.
const GateCondition corev1.PodConditionType = "mcp.x-k8s.io/verified"

// RevisionLabel is the label the Deployment controller puts on the pods and ReplicaSet of a
// revision.
const RevisionLabel = "pod-template-hash"

// FailuresBeforeUngating is how many consecutive failed handshakes take a verified pod out of
// the Service: one lost packet must not, a pod that stopped speaking MCP must.
const FailuresBeforeUngating = 3

// Reasons of the gate condition on pods.
const (
	GateReasonVerified     = "Verified"
	GateReasonToolsRemoved = "ToolsRemoved"
)

// Pod is what a decision needs of one pod.
type Pod struct {
	Name     string
	Revision string
	// Gate is the pod's gate condition as stored ("" when the pod has none yet).
	Gate corev1.ConditionStatus
	// Probe is this process's last handshake with the pod (nil: none yet); Failures counts
	// the consecutive failed ones.
	Probe    *mcpprobe.Result
	Failures int32
}

// Input is what the controller observed of one MCPServer's rollout.
type Input struct {
	Now time.Time
	// Deadline is how long the newest revision may take to be verified.
	Deadline         time.Duration
	AllowToolRemoval bool
	// Generation and ConfigHash identify what rendered the newest revision.
	Generation int64
	ConfigHash string
	// Newest is the pod-template-hash of the Deployment's newest revision, "" while the
	// Deployment controller has not made it yet.
	Newest string
	// RolledOut: every replica runs the newest revision and is available.
	RolledOut bool
	// CanRollBack: the ReplicaSet of the verified revision still exists.
	CanRollBack bool
	// Pods are the server's pods that are running and not terminating.
	Pods []Pod
	// Stored is status.rollout as stored (nil at first).
	Stored *mcpv1beta1.MCPServerRollout
	// ServedTools are the tools clients are served now (status.tools): the verified revision's.
	ServedTools *mcpv1beta1.MCPServerTools
}

// Gate is a gate condition to write on a pod.
type Gate struct {
	Pod     string
	Status  corev1.ConditionStatus
	Reason  string
	Message string
}

// Decision is what the controller does and writes.
type Decision struct {
	// Gates are the gate conditions that change.
	Gates []Gate
	// Status is the next status.rollout.
	Status *mcpv1beta1.MCPServerRollout
	// Condition is the RolloutVerified condition (without generation and time).
	Condition metav1.Condition
	// RollBack: return the Deployment to Status.VerifiedRevision now.
	RollBack bool
	// RecheckAfter is when to decide again although nothing changed (the deadline), 0 for
	// never.
	RecheckAfter time.Duration
}

// RolledBackCurrent reports whether stored records a rollback of what generation and configHash
// render: then the Deployment keeps the verified revision's pod template.
func RolledBackCurrent(stored *mcpv1beta1.MCPServerRollout, generation int64, configHash string) bool {
	return stored != nil && stored.RolledBack != nil && stored.VerifiedRevision != "" &&
		stored.RolledBack.Generation == generation && stored.RolledBack.ConfigHash == configHash
}

// Decide decides one MCPServer's rollout.
func Decide(in Input) Decision {
	next := &mcpv1beta1.MCPServerRollout{}
	if in.Stored != nil {
		next = in.Stored.DeepCopy()
	}
	if next.RolledBack != nil && !RolledBackCurrent(next, in.Generation, in.ConfigHash) {
		next.RolledBack = nil // the spec or its configuration changed: a new attempt
	}
	d := Decision{Status: next}
	if in.Newest == "" {
		d.Condition = condition(metav1.ConditionUnknown, mcpv1beta1.ReasonRolloutVerifying, "waiting for the Deployment's new revision")
		return d
	}
	if next.Revision != in.Newest || next.Since == nil {
		next.Revision, next.Since = in.Newest, &metav1.Time{Time: in.Now}
		if in.Newest != next.VerifiedRevision {
			next.ToolChanges = nil
		}
	}

	var finding *Gate
	failing := false // a pod of the newest revision failed its handshake (not merely unprobed)
	verified, newest := 0, 0
	for _, p := range in.Pods {
		g := gateFor(p, in, next.VerifiedRevision)
		if g.Status != "" && g.Status != p.Gate {
			d.Gates = append(d.Gates, g)
		}
		if p.Revision != in.Newest {
			continue
		}
		newest++
		switch g.Status {
		case corev1.ConditionTrue:
			verified++
		case corev1.ConditionFalse:
			if finding == nil {
				finding = &g
			}
			failing = failing || p.Probe != nil
		}
		if changes := toolChanges(in.ServedTools, p.Probe); changes != nil && in.Newest != next.VerifiedRevision {
			next.ToolChanges = changes
		}
	}

	since := next.Since.Time
	switch {
	case RolledBackCurrent(next, in.Generation, in.ConfigHash):
		d.Condition = rolledBack(next.RolledBack.Revision, next.VerifiedRevision, next.RolledBack.Message)
	case in.RolledOut && newest > 0 && verified == newest:
		next.VerifiedRevision = in.Newest
		d.Condition = verifiedRevision(in.Newest)
	case in.RolledOut && newest == 0:
		d.Condition = condition(metav1.ConditionTrue, mcpv1beta1.ReasonRolloutVerified, "no pod to verify (scaled to zero)")
	case in.Newest == next.VerifiedRevision && !failing:
		// The verified revision stays verified while its pods come and go (a scale, a pod
		// restarted): each new one is verified before its gate lets traffic in.
		d.Condition = verifiedRevision(in.Newest)
	case next.VerifiedRevision != "" && in.Newest != next.VerifiedRevision && in.Now.Sub(since) >= in.Deadline:
		reason, message := "NotVerified", fmt.Sprintf("no handshake verified its pods within %s", in.Deadline)
		if finding != nil && finding.Reason != "" {
			reason, message = finding.Reason, finding.Message
		}
		if !in.CanRollBack {
			d.Condition = condition(metav1.ConditionFalse, mcpv1beta1.ReasonRollbackUnavailable,
				fmt.Sprintf("revision %s was not verified within %s (%s), and the ReplicaSet of the verified revision %s is gone, so it cannot be rolled back",
					in.Newest, in.Deadline, message, next.VerifiedRevision))
			break
		}
		next.RolledBack = &mcpv1beta1.MCPServerRolledBack{Revision: in.Newest, Generation: in.Generation, ConfigHash: in.ConfigHash,
			Reason: reason, Message: message, Time: &metav1.Time{Time: in.Now}}
		d.RollBack = true
		d.Condition = rolledBack(in.Newest, next.VerifiedRevision, message)
	default:
		d.Condition = pending(in, next, finding, verified, newest)
	}
	// Before the deadline, decide again at the deadline; past it, what is decided stands until
	// something changes.
	if left := since.Add(in.Deadline).Sub(in.Now); left > 0 && next.RolledBack == nil && next.VerifiedRevision != "" && in.Newest != next.VerifiedRevision {
		d.RecheckAfter = max(left, time.Second)
	}
	return d
}

// verifiedRevision is the condition of a verified newest revision.
func verifiedRevision(revision string) metav1.Condition {
	return condition(metav1.ConditionTrue, mcpv1beta1.ReasonRolloutVerified,
		fmt.Sprintf("revision %s is verified: each of its pods answered an MCP handshake before it took traffic", revision))
}

// rolledBack is the condition of a revision rolled back to the verified one.
func rolledBack(revision, verified, why string) metav1.Condition {
	return condition(metav1.ConditionFalse, mcpv1beta1.ReasonRolledBack,
		fmt.Sprintf("revision %s was rolled back to the verified revision %s: %s; it is not tried again until the spec or a referenced ConfigMap or Secret changes",
			revision, verified, why))
}

// pending is the condition of a rollout before its deadline.
func pending(in Input, next *mcpv1beta1.MCPServerRollout, finding *Gate, verified, newest int) metav1.Condition {
	switch {
	case finding != nil && finding.Reason == GateReasonToolsRemoved:
		return condition(metav1.ConditionFalse, mcpv1beta1.ReasonRolloutHeld, rollingBackAt(finding.Message, next, in))
	case finding != nil:
		return condition(metav1.ConditionFalse, mcpv1beta1.ReasonRolloutFailing, rollingBackAt(finding.Message, next, in))
	default:
		return condition(metav1.ConditionUnknown, mcpv1beta1.ReasonRolloutVerifying,
			fmt.Sprintf("%d of %d pods of revision %s verified", verified, newest, in.Newest))
	}
}

// gateFor decides one pod's gate. A pod nobody has probed in this process keeps what the
// cluster says (a new leader trusts the gates its predecessor set); a verified pod loses its
// gate only after FailuresBeforeUngating failed handshakes in a row.
func gateFor(p Pod, in Input, verifiedRevision string) Gate {
	g := Gate{Pod: p.Name, Status: p.Gate}
	if p.Probe == nil {
		if p.Gate == corev1.ConditionFalse {
			g.Message = "the pod is not verified yet"
		}
		return g
	}
	if p.Probe.Outcome == mcpprobe.OutcomeFailed {
		if p.Gate == corev1.ConditionTrue && p.Failures < FailuresBeforeUngating {
			return g
		}
		g.Status, g.Reason = corev1.ConditionFalse, string(p.Probe.Reason)
		g.Message = "the MCP handshake with this pod failed: " + p.Probe.Message
		return g
	}
	if p.Revision != verifiedRevision && verifiedRevision != "" && !in.AllowToolRemoval {
		if changes := toolChanges(in.ServedTools, p.Probe); changes != nil && len(changes.Removed) > 0 {
			g.Status, g.Reason = corev1.ConditionFalse, GateReasonToolsRemoved
			g.Message = fmt.Sprintf("this revision drops tools the verified revision serves: %s (spec.rollout.allowToolRemoval is off)",
				strings.Join(changes.Removed, ", "))
			return g
		}
	}
	g.Status, g.Reason, g.Message = corev1.ConditionTrue, GateReasonVerified, "the pod answered an MCP handshake"
	return g
}

// toolChanges compares a pod's tools with the served ones; nil when nothing can be compared
// (no served inventory, no listing, as with a server that requires authentication) or nothing
// differs. Truncated inventories compare by digest only: their names are incomplete.
func toolChanges(served *mcpv1beta1.MCPServerTools, probe *mcpprobe.Result) *mcpv1beta1.MCPServerToolChanges {
	if served == nil || probe == nil || probe.Outcome != mcpprobe.OutcomeReady {
		return nil
	}
	var names []string
	digest := ""
	truncated := false
	if probe.Tools != nil {
		names, digest, truncated = probe.Tools.Names, probe.Tools.Digest, probe.Tools.Truncated
	}
	c := &mcpv1beta1.MCPServerToolChanges{DigestChanged: digest != served.Digest}
	if !truncated && !served.Truncated {
		for _, n := range names {
			if !slices.Contains(served.Names, n) {
				c.Added = append(c.Added, n)
			}
		}
		for _, n := range served.Names {
			if !slices.Contains(names, n) {
				c.Removed = append(c.Removed, n)
			}
		}
	}
	if !c.DigestChanged && len(c.Added) == 0 && len(c.Removed) == 0 {
		return nil
	}
	return c
}

// rollingBackAt adds when the revision will be rolled back, if it can be.
func rollingBackAt(message string, next *mcpv1beta1.MCPServerRollout, in Input) string {
	if next.VerifiedRevision == "" || next.VerifiedRevision == in.Newest {
		return fmt.Sprintf("revision %s: %s", in.Newest, message)
	}
	at := next.Since.Add(in.Deadline).UTC().Format(time.RFC3339)
	return fmt.Sprintf("revision %s: %s; the verified revision %s serves until then, and the rollout is rolled back at %s",
		in.Newest, message, next.VerifiedRevision, at)
}

func condition(status metav1.ConditionStatus, reason, message string) metav1.Condition {
	return metav1.Condition{Type: mcpv1beta1.ConditionRolloutVerified, Status: status, Reason: reason, Message: message}
}
