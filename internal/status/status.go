// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package status derives an MCPServer's status from what the reconciler observed. It is pure:
// the same observation and the same previous status always give the same new status, and a
// status that did not change compares equal, so the reconciler writes only real changes.
package status

import (
	"time"

	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
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
	// Created is when the Deployment was created: the cache's creation time, or now when this
	// pass created it. Zero when there is none.
	Created time.Time
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
	Gateway   Gateway
	// Rollout is the rollout decision, nil when the reconcile did not get that far.
	Rollout *Rollout
}

// Compute returns the new status. Conditions keep their lastTransitionTime unless their status
// changes; now stamps the ones that do.
func Compute(current mcpv1beta1.MCPServerStatus, obs Observation, now metav1.Time) mcpv1beta1.MCPServerStatus {
	next := *current.DeepCopy()
	next.ObservedGeneration = obs.Generation
	accepted := len(obs.Problems) == 0
	if accepted {
		next.DeploymentName, next.ServiceName = obs.DeploymentName, obs.ServiceName
		setCondition(&next, mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid,
			"the spec and every ConfigMap and Secret it references check out", obs.Generation, now)
	} else {
		setCondition(&next, mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid,
			strings.Join(obs.Problems, "; "), obs.Generation, now)
	}
	if obs.Workload.Found {
		next.Replicas, next.ReadyReplicas = obs.Workload.Replicas, obs.Workload.Ready
	}
	last := LastVerdict(current, obs.Generation, obs.PublishedAddress())
	if obs.Handshake.Result != nil || last == nil {
		next.HandshakeRetryCount = obs.Handshake.Failures
	}
	if r := obs.Handshake.Result; r != nil && r.Outcome == mcpprobe.OutcomeReady {
		next.ServerInfo = serverInfo(r.Server, r.Deprecated)
		next.Tools = tools(r.Tools)
	}
	if r := obs.Handshake.Result; r != nil && r.Outcome == mcpprobe.OutcomeAuthRequired {
		next.Tools = nil
	}
	r := decide(obs, accepted, wasVerified(current), last, standingVerdict(current, obs.Generation, obs.PublishedAddress()))
	if reg := gatewayRegistered(&next, obs.Gateway, accepted, obs.Generation, now); reg.status != metav1.ConditionTrue && r.available.status != metav1.ConditionFalse {
		// As upstream: a server whose gateway route is not registered is not available.
		r = notVerified(verdict{metav1.ConditionFalse, mcpv1beta1.ReasonGatewayNotRegistered, reg.message})
	}
	setCondition(&next, mcpv1beta1.ConditionAvailable, r.available.status, r.available.reason, r.available.message, obs.Generation, now)
	verifiedAt := obs.Generation
	if r.verifiedAt != 0 {
		verifiedAt = r.verifiedAt
	}
	setCondition(&next, mcpv1beta1.ConditionVerified, r.verified.status, r.verified.reason, r.verified.message, verifiedAt, now)
	publishAddress(&next, obs.PublishedAddress(), r.verified.status == metav1.ConditionTrue)
	exposed(&next, obs.Exposure, accepted, obs.Generation, now)
	if next.Address != nil && *next.Address == (mcpv1beta1.MCPServerAddress{}) {
		next.Address = nil // neither address is published
	}
	networkRestricted(&next, obs.Network, obs.Generation, now)
	rolloutStatus(&next, obs.Rollout, obs.Generation, now)
	next.Phase = PhaseOf(next.Conditions)
	return next
}

// verdict is one condition's status, reason and message.
type verdict struct {
	status  metav1.ConditionStatus
	reason  string
	message string
}

// readiness is what Available and Verified say together.
type readiness struct {
	available, verified verdict
	// verifiedAt is the generation Verified describes when it is not the current one: a
	// verdict standing for an earlier generation (standingVerdict). Zero means the current.
	verifiedAt int64
}

// notVerified is Verified while no handshake is attempted, because the workload is not
// available.
func notVerified(available verdict) readiness {
	return readiness{available: available, verified: verdict{metav1.ConditionUnknown, mcpv1beta1.ReasonNotVerified,
		"no MCP handshake is attempted until the workload is available"}}
}

// verifying is a workload that is up while its first handshake at this generation is under
// way, with no verdict standing from an earlier one. Available stays Unknown until the handshake's verdict arrives with it, as upstream's
// synchronous handshake does, so that a v1alpha1 reader sees Ready=Unknown (Initializing), never
// Ready=True before the server spoke MCP.
func verifying(message string) readiness {
	return readiness{
		available: verdict{metav1.ConditionUnknown, mcpv1beta1.ReasonInitializing, message},
		verified:  verdict{metav1.ConditionUnknown, mcpv1beta1.ReasonNotVerified, message},
	}
}

// decide settles Available and Verified, in the order a user would check things.
func decide(obs Observation, accepted bool, wasVerified metav1.ConditionStatus, last, standing *metav1.Condition) readiness {
	w, h := obs.Workload, obs.Handshake
	switch {
	case !accepted:
		return notVerified(verdict{metav1.ConditionFalse, mcpv1beta1.ReasonConfigurationInvalid,
			"nothing is rolled out until the spec is accepted: " + strings.Join(obs.Problems, "; ")})
	case !w.Found || (!w.Current && (w.Available == 0 || (last == nil && standing == nil))):
		// A Deployment the Deployment controller has not caught up with yet still reports the
		// pods it has; only a server with none, or none verified, waits for it.
		return notVerified(verdict{metav1.ConditionUnknown, mcpv1beta1.ReasonInitializing, "waiting for the Deployment controller to roll out the Deployment"})
	case w.Desired == 0 && w.Replicas == 0:
		return notVerified(verdict{metav1.ConditionTrue, mcpv1beta1.ReasonScaledToZero, "scaled to zero (spec.runtime.replicas is 0)"})
	case w.Desired == 0:
		return notVerified(verdict{metav1.ConditionUnknown, mcpv1beta1.ReasonInitializing, fmt.Sprintf("scaling to zero: %d pods left", w.Replicas)})
	case w.Available == 0:
		return notVerified(workloadUnavailable(w, wasVerified))
	case h.Result == nil && last != nil:
		// A new operator process (a restart, a new leader) has not handshaken yet; the last
		// verdict on this very endpoint stands until its first handshake, queued ahead of
		// routine work, says otherwise. Nothing flaps because the operator restarted.
		return verified(w, verdict{last.Status, last.Reason, last.Message})
	case h.Result == nil && standing != nil:
		// A spec change that keeps the endpoint (a scale, a new image behind verified
		// rollouts): the verdict on the earlier generation stands, stamped with that
		// generation, until the new generation's first handshake, queued ahead of routine
		// work, says otherwise. The address stays published; Ready does not flap.
		r := verified(w, verdict{standing.Status, standing.Reason, standing.Message})
		r.available.message = fmt.Sprintf("%s; verifying generation %d at %s (generation %d was verified)",
			replicaSummary(w), obs.Generation, obs.Address, standing.ObservedGeneration)
		r.verifiedAt = standing.ObservedGeneration
		return r
	case h.Result == nil:
		return verifying(fmt.Sprintf("%s; verifying the MCP endpoint %s", replicaSummary(w), obs.Address))
	case settling(h, wasVerified, last):
		return verifying(fmt.Sprintf("%s; verifying the MCP endpoint %s: attempt %d failed (%s), retrying", replicaSummary(w), obs.Address, h.Failures, h.Result.Message))
	default:
		return verified(w, handshakeVerdict(w, h))
	}
}

// verified is an available workload with a handshake's verdict. Once the server is verified,
// Available's message says what the handshake found too, like upstream's "MCP server is
// ready": v1alpha1's Ready takes its message from Available.
func verified(w Workload, v verdict) readiness {
	available := verdict{metav1.ConditionTrue, mcpv1beta1.ReasonAvailable, replicaSummary(w)}
	if v.status == metav1.ConditionTrue {
		available.message = v.message
	}
	return readiness{available: available, verified: v}
}

// settlingFailures is how many failed handshakes a server that was never verified at its
// endpoint gets before it is EndpointUnavailable. A pod is available before the Service
// routes to it (EndpointSlices and kube-proxy follow readiness within about a second), so the
// first handshake of a new server can meet "connection refused" from a Service that works a
// moment later; that is no failure to warn anyone about.
const settlingFailures = 3

// settling: the handshake failed, but fewer than settlingFailures times, on a server that was
// not verified and has no earlier verdict at this endpoint.
func settling(h Handshake, wasVerified metav1.ConditionStatus, last *metav1.Condition) bool {
	return h.Result.Outcome == mcpprobe.OutcomeFailed && h.Failures < settlingFailures &&
		wasVerified != metav1.ConditionTrue && last == nil
}

// handshakeVerdicts are the Verified reasons a handshake decides, by outcome: what a new
// operator process keeps (LastVerdict) until its own first handshake. A test holds every
// outcome of mcpprobe to this table.
var handshakeVerdicts = map[mcpprobe.Outcome]struct {
	status metav1.ConditionStatus
	reason string
}{
	mcpprobe.OutcomeReady:        {metav1.ConditionTrue, mcpv1beta1.ReasonVerified},
	mcpprobe.OutcomeAuthRequired: {metav1.ConditionTrue, mcpv1beta1.ReasonAuthenticationRequired},
	mcpprobe.OutcomeFailed:       {metav1.ConditionFalse, mcpv1beta1.ReasonEndpointUnavailable},
}

// handshakeVerdict is Verified once pods are available and a handshake has answered.
func handshakeVerdict(w Workload, h Handshake) verdict {
	v, known := handshakeVerdicts[h.Result.Outcome]
	if !known {
		return verdict{metav1.ConditionUnknown, mcpv1beta1.ReasonNotVerified,
			fmt.Sprintf("%s; the MCP handshake gave an outcome the operator does not know (%s)", replicaSummary(w), h.Result.Outcome)}
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
	return verdict{v.status, v.reason, msg}
}

// standingVerdict returns the Verified condition when it is True for an earlier generation
// and the address it verified is still the one to publish, and nil otherwise.
func standingVerdict(current mcpv1beta1.MCPServerStatus, generation int64, address string) *metav1.Condition {
	c := meta.FindStatusCondition(current.Conditions, mcpv1beta1.ConditionVerified)
	if c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration >= generation {
		return nil
	}
	if current.Address == nil || address == "" || current.Address.URL != address {
		return nil
	}
	return c
}

// LastVerdict returns the Verified condition when it is a handshake's verdict (Verified,
// AuthenticationRequired or EndpointUnavailable) on the current generation, at the current
// address where one is published, and nil otherwise.
func LastVerdict(current mcpv1beta1.MCPServerStatus, generation int64, address string) *metav1.Condition {
	c := meta.FindStatusCondition(current.Conditions, mcpv1beta1.ConditionVerified)
	if c == nil || c.ObservedGeneration != generation {
		return nil
	}
	if current.Address != nil && current.Address.URL != "" && current.Address.URL != address {
		return nil
	}
	for _, v := range handshakeVerdicts {
		if c.Reason == v.reason {
			return c
		}
	}
	return nil
}

// publishAddress sets status.address.url while the server is verified and withdraws it
// otherwise, as upstream's v1beta1 does: an address in status is one that answers MCP.
func publishAddress(s *mcpv1beta1.MCPServerStatus, address string, verified bool) {
	if verified && address != "" {
		if s.Address == nil {
			s.Address = &mcpv1beta1.MCPServerAddress{}
		}
		s.Address.URL = address
		return
	}
	if s.Address != nil {
		s.Address.URL = ""
		if *s.Address == (mcpv1beta1.MCPServerAddress{}) {
			s.Address = nil
		}
	}
}

// workloadUnavailable explains a Deployment with no available pod. A fresh rollout without
// known problems is still initializing; pod problems, a stalled rollout, or losing pods that
// were ready make it unavailable.
func workloadUnavailable(w Workload, wasVerified metav1.ConditionStatus) verdict {
	msg := fmt.Sprintf("0 of %d replicas available", w.Desired)
	if len(w.PodProblems) > 0 {
		msg += ": " + strings.Join(w.PodProblems, "; ")
	}
	if w.ProgressDeadlineExceeded {
		msg += " (the rollout exceeded its progress deadline)"
	}
	if len(w.PodProblems) == 0 && !w.ProgressDeadlineExceeded && wasVerified != metav1.ConditionTrue {
		return verdict{metav1.ConditionUnknown, mcpv1beta1.ReasonInitializing, msg + "; waiting for pods to become ready"}
	}
	return verdict{metav1.ConditionFalse, mcpv1beta1.ReasonDeploymentUnavailable, msg}
}

func replicaSummary(w Workload) string {
	return fmt.Sprintf("%d of %d replicas available", w.Available, w.Desired)
}

func describeServer(r *mcpprobe.Result) string {
	name := r.Server.Name
	if r.Server.Version != "" {
		name += " " + r.Server.Version
	}
	asked := "the initialize handshake"
	if r.Server.Modern() {
		asked = "server/discover"
	}
	msg := fmt.Sprintf("MCP server %q answered %s (protocol %s, %s)", name, asked, r.Server.ProtocolVersion, r.Transport)
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

// wasVerified is the Verified status the server had: a server that lost pods it served from
// is unavailable at once, a new one is still initializing.
func wasVerified(s mcpv1beta1.MCPServerStatus) metav1.ConditionStatus {
	if c := meta.FindStatusCondition(s.Conditions, mcpv1beta1.ConditionVerified); c != nil {
		return c.Status
	}
	return metav1.ConditionUnknown
}

// setCondition sets one condition, always stamped with the generation it describes.
func setCondition(s *mcpv1beta1.MCPServerStatus, condType string, status metav1.ConditionStatus, reason, message string, generation int64, now metav1.Time) {
	meta.SetStatusCondition(&s.Conditions, metav1.Condition{
		Type: condType, Status: status, Reason: reason, Message: truncate(message, 32*1024),
		ObservedGeneration: generation, LastTransitionTime: now,
	})
}

func serverInfo(s mcpprobe.ServerInfo, deprecated []mcpprobe.DeprecatedFeature) *mcpv1beta1.MCPServerInfo {
	info := &mcpv1beta1.MCPServerInfo{
		Name: truncate(s.Name, 256), Version: truncate(s.Version, 256), ProtocolVersion: truncate(s.ProtocolVersion, 64),
		SupportedProtocolVersions: s.SupportedVersions,
		Instructions:              truncate(s.Instructions, 4096),
		Capabilities: &mcpv1beta1.MCPServerCapabilities{
			Tools: s.Tools, Resources: s.Resources, Prompts: s.Prompts, Logging: s.Logging, Completions: s.Completions,
		},
	}
	for _, f := range deprecated {
		info.DeprecatedFeatures = append(info.DeprecatedFeatures, string(f))
	}
	return info
}

func tools(inv *mcpprobe.ToolInventory) *mcpv1beta1.MCPServerTools {
	if inv == nil {
		return nil
	}
	names := make([]string, len(inv.Names))
	for i, n := range inv.Names {
		names[i] = truncate(n, 256)
	}
	return &mcpv1beta1.MCPServerTools{Count: int32(inv.Count), Names: names, Digest: inv.Digest, Truncated: inv.Truncated}
}

// truncate keeps status within object size limits whatever a server reports.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "..."
}
