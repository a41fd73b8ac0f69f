// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package status derives an MCPServer's status from what the reconciler observed. It is pure:
// the same observation and the same previous status always give the same new status, and a
// status that did not change compares equal, so the reconciler writes only real changes.
package status

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
)

// Workload is what the reconciler read about the server's Deployment and pods.
type Workload struct {
	// Found: the Deployment exists and belongs to the MCPServer.
	Found bool
	// Current: the Deployment controller has observed the Deployment's latest spec, so its
	// status describes what the operator applied.
	Current bool
	// RolledOut: every pod of the Deployment runs its current template and is available.
	RolledOut bool
	// Desired is the replica count the MCPServer asks for.
	Desired int32
	// Replicas, Ready and Available come from the Deployment's status.
	Replicas, Ready, Available int32
	// ProgressDeadlineExceeded: the rollout stalled (Progressing=False).
	ProgressDeadlineExceeded bool
	// PodProblems describe why pods do not run, in a user's words (ImagePullBackOff, ...).
	PodProblems []string
}

// Handshake is the MCP handshake state for the server's current configuration.
type Handshake struct {
	// Result is the latest handshake result for the current configuration; nil until one
	// has completed.
	Result *mcpprobe.Result
	// Failures counts consecutive failed handshakes for the current configuration.
	Failures int32
}

// Observation is everything the reconciler learnt in one pass.
type Observation struct {
	Generation     int64
	Address        string
	DeploymentName string
	ServiceName    string
	// Problems are reasons the spec cannot be rolled out (missing references, name conflicts);
	// any problem makes Accepted False.
	Problems  []string
	Workload  Workload
	Handshake Handshake
	Exposure  Exposure
	Network   Network
}

// Compute returns the new status. Conditions keep their lastTransitionTime unless their status
// changes; now stamps the ones that do.
func Compute(current mcpv1alpha1.MCPServerStatus, obs Observation, now metav1.Time) mcpv1alpha1.MCPServerStatus {
	next := *current.DeepCopy()
	next.ObservedGeneration = obs.Generation
	if obs.Address != "" {
		if next.Address == nil {
			next.Address = &mcpv1alpha1.MCPServerAddress{}
		}
		next.Address.URL = obs.Address
	}
	accepted := len(obs.Problems) == 0
	if accepted {
		next.DeploymentName, next.ServiceName = obs.DeploymentName, obs.ServiceName
		setCondition(&next, mcpv1alpha1.ConditionAccepted, metav1.ConditionTrue, mcpv1alpha1.ReasonValid,
			"the spec and every ConfigMap and Secret it references check out", obs.Generation, now)
	} else {
		setCondition(&next, mcpv1alpha1.ConditionAccepted, metav1.ConditionFalse, mcpv1alpha1.ReasonInvalid,
			strings.Join(obs.Problems, "; "), obs.Generation, now)
	}
	if obs.Workload.Found {
		next.Replicas, next.ReadyReplicas = obs.Workload.Replicas, obs.Workload.Ready
	}
	verdict := LastVerdict(current, obs.Generation, obs.Address)
	if obs.Handshake.Result != nil || verdict == nil {
		next.HandshakeRetryCount = obs.Handshake.Failures
	}
	if r := obs.Handshake.Result; r != nil && r.Outcome == mcpprobe.OutcomeReady {
		next.ServerInfo = serverInfo(r.Server)
		next.Tools = tools(r.Tools)
	}
	if r := obs.Handshake.Result; r != nil && r.Outcome == mcpprobe.OutcomeAuthRequired {
		next.Tools = nil
	}
	status, reason, message := ready(obs, accepted, readyStatus(current), verdict)
	setCondition(&next, mcpv1alpha1.ConditionReady, status, reason, message, obs.Generation, now)
	exposed(&next, obs.Exposure, accepted, obs.Generation, now)
	networkRestricted(&next, obs.Network, obs.Generation, now)
	return next
}

// ready decides the Ready condition, in the order a user would check things.
func ready(obs Observation, accepted bool, wasReady metav1.ConditionStatus, verdict *metav1.Condition) (metav1.ConditionStatus, string, string) {
	w, h := obs.Workload, obs.Handshake
	switch {
	case !accepted:
		return metav1.ConditionFalse, mcpv1alpha1.ReasonConfigurationInvalid,
			"nothing is rolled out until the spec is accepted: " + strings.Join(obs.Problems, "; ")
	case !w.Found || !w.Current:
		return metav1.ConditionUnknown, mcpv1alpha1.ReasonInitializing, "waiting for the Deployment controller to roll out the Deployment"
	case w.Desired == 0 && w.Replicas == 0:
		return metav1.ConditionTrue, mcpv1alpha1.ReasonScaledToZero, "scaled to zero (spec.runtime.replicas is 0)"
	case w.Desired == 0:
		return metav1.ConditionUnknown, mcpv1alpha1.ReasonInitializing, fmt.Sprintf("scaling to zero: %d pods left", w.Replicas)
	case w.Available == 0:
		return workloadUnavailable(w, wasReady)
	case h.Result == nil && verdict != nil:
		// A new operator process (a restart, a new leader) has not handshaken yet; the last
		// verdict on this very endpoint stands until its first handshake, queued ahead of
		// routine work, says otherwise. Ready does not flap because the operator restarted.
		return verdict.Status, verdict.Reason, verdict.Message
	case h.Result == nil:
		return metav1.ConditionUnknown, mcpv1alpha1.ReasonInitializing,
			fmt.Sprintf("%s; verifying the MCP endpoint %s", replicaSummary(w), obs.Address)
	case settling(h, wasReady, verdict):
		return metav1.ConditionUnknown, mcpv1alpha1.ReasonInitializing,
			fmt.Sprintf("%s; verifying the MCP endpoint %s: attempt %d failed (%s), retrying", replicaSummary(w), obs.Address, h.Failures, h.Result.Message)
	default:
		return handshakeVerdict(w, h)
	}
}

// settlingFailures is how many failed handshakes a server that was never verified at its
// endpoint gets before it is MCPEndpointUnavailable. A pod is available before the Service
// routes to it (EndpointSlices and kube-proxy follow readiness within about a second), so the
// first handshake of a new server can meet "connection refused" from a Service that works a
// moment later; that is no failure to warn anyone about.
const settlingFailures = 3

// settling: the handshake failed, but fewer than settlingFailures times, on a server that was
// not Ready and has no earlier verdict at this endpoint.
func settling(h Handshake, wasReady metav1.ConditionStatus, verdict *metav1.Condition) bool {
	return h.Result.Outcome == mcpprobe.OutcomeFailed && h.Failures < settlingFailures &&
		wasReady != metav1.ConditionTrue && verdict == nil
}

// handshakeVerdicts are the Ready reasons a handshake decides, by outcome: what a new operator
// process keeps (LastVerdict) until its own first handshake. A test holds every outcome of
// mcpprobe to this table.
var handshakeVerdicts = map[mcpprobe.Outcome]struct {
	status metav1.ConditionStatus
	reason string
}{
	mcpprobe.OutcomeReady:        {metav1.ConditionTrue, mcpv1alpha1.ReasonAvailable},
	mcpprobe.OutcomeAuthRequired: {metav1.ConditionTrue, mcpv1alpha1.ReasonAuthenticationRequired},
	mcpprobe.OutcomeFailed:       {metav1.ConditionFalse, mcpv1alpha1.ReasonMCPEndpointUnavailable},
}

// handshakeVerdict is Ready once pods are available and a handshake has answered.
func handshakeVerdict(w Workload, h Handshake) (metav1.ConditionStatus, string, string) {
	v, known := handshakeVerdicts[h.Result.Outcome]
	if !known {
		return metav1.ConditionUnknown, mcpv1alpha1.ReasonInitializing,
			fmt.Sprintf("%s; the MCP handshake gave an outcome the operator does not know (%s)", replicaSummary(w), h.Result.Outcome)
	}
	var msg string
	switch h.Result.Outcome {
	case mcpprobe.OutcomeFailed:
		msg = fmt.Sprintf("%s, but the MCP handshake failed %s: %s", replicaSummary(w), times(h.Failures), h.Result.Message)
	case mcpprobe.OutcomeAuthRequired:
		msg = fmt.Sprintf("%s; %s", replicaSummary(w), h.Result.Message)
	default:
		msg = fmt.Sprintf("%s; %s", replicaSummary(w), describeServer(h.Result))
	}
	return v.status, v.reason, msg
}

// LastVerdict returns the Ready condition when it is a handshake's verdict (Available,
// AuthenticationRequired or MCPEndpointUnavailable) on the current generation at the current
// address, and nil otherwise.
func LastVerdict(current mcpv1alpha1.MCPServerStatus, generation int64, address string) *metav1.Condition {
	c := meta.FindStatusCondition(current.Conditions, mcpv1alpha1.ConditionReady)
	if c == nil || c.ObservedGeneration != generation || current.Address == nil || current.Address.URL != address {
		return nil
	}
	for _, v := range handshakeVerdicts {
		if c.Reason == v.reason {
			return c
		}
	}
	return nil
}

// workloadUnavailable explains a Deployment with no available pod. A fresh rollout without
// known problems is still initializing; pod problems, a stalled rollout, or losing pods that
// were ready make it unavailable.
func workloadUnavailable(w Workload, wasReady metav1.ConditionStatus) (metav1.ConditionStatus, string, string) {
	msg := fmt.Sprintf("0 of %d replicas available", w.Desired)
	if len(w.PodProblems) > 0 {
		msg += ": " + strings.Join(w.PodProblems, "; ")
	}
	if w.ProgressDeadlineExceeded {
		msg += " (the rollout exceeded its progress deadline)"
	}
	if len(w.PodProblems) == 0 && !w.ProgressDeadlineExceeded && wasReady != metav1.ConditionTrue {
		return metav1.ConditionUnknown, mcpv1alpha1.ReasonInitializing, msg + "; waiting for pods to become ready"
	}
	return metav1.ConditionFalse, mcpv1alpha1.ReasonDeploymentUnavailable, msg
}

func replicaSummary(w Workload) string {
	return fmt.Sprintf("%d of %d replicas available", w.Available, w.Desired)
}

func describeServer(r *mcpprobe.Result) string {
	name := r.Server.Name
	if r.Server.Version != "" {
		name += " " + r.Server.Version
	}
	msg := fmt.Sprintf("MCP server %q answered the initialize handshake (protocol %s, %s)", name, r.Server.ProtocolVersion, r.Transport)
	if r.Tools != nil {
		msg += fmt.Sprintf(" and lists %d tools", r.Tools.Count)
	}
	return msg
}

func times(n int32) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times in a row", n)
}

func readyStatus(s mcpv1alpha1.MCPServerStatus) metav1.ConditionStatus {
	if c := meta.FindStatusCondition(s.Conditions, mcpv1alpha1.ConditionReady); c != nil {
		return c.Status
	}
	return metav1.ConditionUnknown
}

// setCondition sets one condition, always stamped with the generation it describes.
func setCondition(s *mcpv1alpha1.MCPServerStatus, condType string, status metav1.ConditionStatus, reason, message string, generation int64, now metav1.Time) {
	meta.SetStatusCondition(&s.Conditions, metav1.Condition{
		Type: condType, Status: status, Reason: reason, Message: truncate(message, 32*1024),
		ObservedGeneration: generation, LastTransitionTime: now,
	})
}

func serverInfo(s mcpprobe.ServerInfo) *mcpv1alpha1.MCPServerInfo {
	return &mcpv1alpha1.MCPServerInfo{
		Name: truncate(s.Name, 256), Version: truncate(s.Version, 256), ProtocolVersion: truncate(s.ProtocolVersion, 64),
		Instructions: truncate(s.Instructions, 4096),
		Capabilities: &mcpv1alpha1.MCPServerCapabilities{
			Tools: s.Tools, Resources: s.Resources, Prompts: s.Prompts, Logging: s.Logging, Completions: s.Completions,
		},
	}
}

func tools(inv *mcpprobe.ToolInventory) *mcpv1alpha1.MCPServerTools {
	if inv == nil {
		return nil
	}
	names := make([]string, len(inv.Names))
	for i, n := range inv.Names {
		names[i] = truncate(n, 256)
	}
	return &mcpv1alpha1.MCPServerTools{Count: int32(inv.Count), Names: names, Digest: inv.Digest, Truncated: inv.Truncated}
}

// truncate keeps status within object size limits whatever a server reports.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "..."
}
