// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1alpha1

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/conversion"

	"github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// KeptFieldsAnnotation holds, on a v1alpha1 view of an MCPServer, what only v1beta1 can
// express: spec.gateway, status.gatewayBinding and the Available and Verified conditions. The
// API server converts an object read through v1alpha1 back to v1beta1 on every write (an
// update, a merge patch, an apply, and even the status copied into a spec update), so without
// this annotation a v1alpha1 client would silently delete spec.gateway. It is made on every
// conversion to v1alpha1 that has something to keep, and removed on the way back.
const KeptFieldsAnnotation = "mcp.x-k8s.io/v1beta1-fields"

// keptFields is the content of KeptFieldsAnnotation.
type keptFields struct {
	Gateway        *v1beta1.GatewayConfig           `json:"gateway,omitempty"`
	GatewayBinding *v1beta1.GatewayBindingReference `json:"gatewayBinding,omitempty"`
	// Conditions are v1beta1's Available and Verified (and a Ready written through v1beta1),
	// restored only while the v1alpha1 Ready still says what they say.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Messages of conditions that the conversion makes up, as upstream's conversion words them.
const (
	workloadRunning     = "Workload is running"
	handshakeSucceeded  = "MCP handshake succeeded"
	handshakeNotAttempt = "Handshake has not been attempted"
	availabilityUnknown = "Workload availability unknown"
)

var _ conversion.Convertible = &MCPServer{}

// ConvertTo converts this MCPServer to the hub version, v1beta1.
func (src *MCPServer) ConvertTo(hub conversion.Hub) error {
	dst, ok := hub.(*v1beta1.MCPServer)
	if !ok {
		return fmt.Errorf("cannot convert an MCPServer to %T", hub)
	}
	dst.ObjectMeta = *src.ObjectMeta.DeepCopy()
	kept := takeKeptFields(&dst.ObjectMeta)
	if err := sameJSON(src.Spec, &dst.Spec); err != nil {
		return fmt.Errorf("converting spec: %w", err)
	}
	if err := sameJSON(src.Status, &dst.Status); err != nil {
		return fmt.Errorf("converting status: %w", err)
	}
	dst.Spec.Gateway, dst.Status.GatewayBinding = kept.Gateway, kept.GatewayBinding
	ready := meta.FindStatusCondition(src.Status.Conditions, ConditionReady)
	var readiness []metav1.Condition
	if sameCondition(ReadyFrom(kept.Conditions), ready) {
		readiness = kept.Conditions
	} else if ready != nil {
		readiness = SplitReady(*ready)
	}
	dst.Status.Conditions = replaceReadiness(src.Status.Conditions, readiness)
	return nil
}

// ConvertFrom converts the hub version, v1beta1, to this MCPServer.
func (dst *MCPServer) ConvertFrom(hub conversion.Hub) error {
	src, ok := hub.(*v1beta1.MCPServer)
	if !ok {
		return fmt.Errorf("cannot convert %T to an MCPServer", hub)
	}
	dst.ObjectMeta = *src.ObjectMeta.DeepCopy()
	if err := sameJSON(src.Spec, &dst.Spec); err != nil {
		return fmt.Errorf("converting spec: %w", err)
	}
	if err := sameJSON(src.Status, &dst.Status); err != nil {
		return fmt.Errorf("converting status: %w", err)
	}
	kept := keptFields{Gateway: src.Spec.Gateway, GatewayBinding: src.Status.GatewayBinding}
	for _, c := range src.Status.Conditions {
		if isReadiness(c.Type) {
			kept.Conditions = append(kept.Conditions, c)
		}
	}
	var readiness []metav1.Condition
	if ready := ReadyFrom(src.Status.Conditions); ready != nil {
		readiness = []metav1.Condition{*ready}
	}
	dst.Status.Conditions = replaceReadiness(src.Status.Conditions, readiness)
	return keepFields(&dst.ObjectMeta, kept)
}

// ReadyFrom derives v1alpha1's Ready from v1beta1's Available and Verified, exactly as
// upstream's conversion does: the first rule that matches wins. It returns nil when neither
// condition exists.
func ReadyFrom(conditions []metav1.Condition) *metav1.Condition {
	available := meta.FindStatusCondition(conditions, v1beta1.ConditionAvailable)
	verified := meta.FindStatusCondition(conditions, v1beta1.ConditionVerified)
	if available == nil && verified == nil {
		return nil
	}
	ready := func(status metav1.ConditionStatus, reason string, from *metav1.Condition) *metav1.Condition {
		return &metav1.Condition{Type: ConditionReady, Status: status, Reason: reason, Message: from.Message,
			ObservedGeneration: from.ObservedGeneration, LastTransitionTime: from.LastTransitionTime}
	}
	switch {
	case available != nil && available.Status != metav1.ConditionTrue:
		return ready(available.Status, available.Reason, available)
	case verified != nil && verified.Status == metav1.ConditionFalse:
		return ready(metav1.ConditionFalse, ReasonMCPEndpointUnavailable, verified)
	case verified != nil && verified.Status == metav1.ConditionTrue && available != nil:
		return ready(metav1.ConditionTrue, ReasonAvailable, available)
	case verified != nil && verified.Status == metav1.ConditionTrue:
		return ready(metav1.ConditionTrue, ReasonAvailable, verified)
	case available != nil:
		return ready(metav1.ConditionTrue, available.Reason, available)
	default:
		c := ready(metav1.ConditionUnknown, verified.Reason, verified)
		if c.Reason == "" {
			c.Reason = v1beta1.ReasonNotVerified
		}
		if c.Message == "" {
			c.Message = availabilityUnknown
		}
		return c
	}
}

// SplitReady derives v1beta1's Available and Verified from a Ready written through v1alpha1
// (by a client other than the operator), as upstream's conversion does; ReadyFrom of the result
// gives the same Ready back.
func SplitReady(ready metav1.Condition) []metav1.Condition {
	condition := func(condType string, status metav1.ConditionStatus, reason, message string) metav1.Condition {
		return metav1.Condition{Type: condType, Status: status, Reason: reason, Message: message,
			ObservedGeneration: ready.ObservedGeneration, LastTransitionTime: ready.LastTransitionTime}
	}
	switch {
	case ready.Reason == ReasonMCPEndpointUnavailable && ready.Status == metav1.ConditionFalse:
		return []metav1.Condition{
			condition(v1beta1.ConditionAvailable, metav1.ConditionTrue, v1beta1.ReasonAvailable, workloadRunning),
			condition(v1beta1.ConditionVerified, metav1.ConditionFalse, v1beta1.ReasonEndpointUnavailable, ready.Message),
		}
	case ready.Reason == ReasonAvailable && ready.Status == metav1.ConditionTrue:
		return []metav1.Condition{
			condition(v1beta1.ConditionAvailable, metav1.ConditionTrue, v1beta1.ReasonAvailable, ready.Message),
			condition(v1beta1.ConditionVerified, metav1.ConditionTrue, v1beta1.ReasonVerified, handshakeSucceeded),
		}
	default:
		return []metav1.Condition{
			condition(v1beta1.ConditionAvailable, ready.Status, ready.Reason, ready.Message),
			condition(v1beta1.ConditionVerified, metav1.ConditionUnknown, v1beta1.ReasonNotVerified, handshakeNotAttempt),
		}
	}
}

// isReadiness: the condition types that exist in one version and are derived in the other.
func isReadiness(condType string) bool {
	return condType == ConditionReady || condType == v1beta1.ConditionAvailable || condType == v1beta1.ConditionVerified
}

// replaceReadiness returns conditions with the readiness conditions of one version replaced
// by the other's, where the first of them stood, so that the order survives a round trip.
func replaceReadiness(conditions, readiness []metav1.Condition) []metav1.Condition {
	var out []metav1.Condition
	placed := false
	for _, c := range conditions {
		if !isReadiness(c.Type) {
			out = append(out, *c.DeepCopy())
			continue
		}
		if !placed {
			out, placed = append(out, readiness...), true
		}
	}
	if !placed {
		out = append(out, readiness...)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sameCondition(a, b *metav1.Condition) bool {
	if a == nil || b == nil {
		return a == b
	}
	return equality.Semantic.DeepEqual(*a, *b)
}

// sameJSON copies between the two versions' types where their JSON is the same schema: the
// v1alpha1 spec and status are v1beta1's without spec.gateway and status.gatewayBinding, so
// every other field converts as it is, our own additions included.
func sameJSON(in, out any) error {
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

// keepFields writes KeptFieldsAnnotation when there is something to keep.
func keepFields(m *metav1.ObjectMeta, kept keptFields) error {
	delete(m.Annotations, KeptFieldsAnnotation)
	if kept.Gateway == nil && kept.GatewayBinding == nil && len(kept.Conditions) == 0 {
		if len(m.Annotations) == 0 {
			m.Annotations = nil
		}
		return nil
	}
	data, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[KeptFieldsAnnotation] = string(data)
	return nil
}

// takeKeptFields removes KeptFieldsAnnotation and returns what it kept. An annotation that
// does not parse (edited by hand) keeps nothing: a conversion error would make the object
// unreadable and unwritable through every version.
func takeKeptFields(m *metav1.ObjectMeta) keptFields {
	var kept keptFields
	data, found := m.Annotations[KeptFieldsAnnotation]
	if !found {
		return kept
	}
	delete(m.Annotations, KeptFieldsAnnotation)
	if len(m.Annotations) == 0 {
		m.Annotations = nil
	}
	if err := json.Unmarshal([]byte(data), &kept); err != nil {
		return keptFields{}
	}
	return kept
}

// IsReady says whether v1beta1's conditions make v1alpha1's Ready True: the server is verified
// (or scaled to zero on purpose), as a v1alpha1 reader sees it.
func IsReady(conditions []metav1.Condition) bool {
	ready := ReadyFrom(conditions)
	return ready != nil && ready.Status == metav1.ConditionTrue
}
