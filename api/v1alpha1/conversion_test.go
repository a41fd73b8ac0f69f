// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1alpha1_test

import (
	"encoding/json"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

var t0 = metav1.NewTime(time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC))

func cond(condType string, status metav1.ConditionStatus, reason, message string) metav1.Condition {
	return metav1.Condition{Type: condType, Status: status, Reason: reason, Message: message, ObservedGeneration: 3, LastTransitionTime: t0}
}

// TestReadyFromTheFiveRules holds the derivation of v1alpha1's Ready to upstream's five rules,
// in their order.
func TestReadyFromTheFiveRules(t *testing.T) {
	const (
		T, F, U = metav1.ConditionTrue, metav1.ConditionFalse, metav1.ConditionUnknown
		avail   = mcpv1beta1.ConditionAvailable
		verif   = mcpv1beta1.ConditionVerified
	)
	later := metav1.NewTime(t0.Add(time.Minute))
	verifiedLater := cond(verif, T, "Verified", "MCP handshake succeeded")
	verifiedLater.LastTransitionTime, verifiedLater.ObservedGeneration = later, 4
	cases := []struct {
		name       string
		conditions []metav1.Condition
		want       *metav1.Condition
	}{
		{"neither: no Ready", []metav1.Condition{cond("Accepted", T, "Valid", "ok")}, nil},
		{"1: Available False is copied", []metav1.Condition{cond(avail, F, "DeploymentUnavailable", "0 of 1: ImagePullBackOff"), cond(verif, U, "NotVerified", "x")},
			&metav1.Condition{Status: F, Reason: "DeploymentUnavailable", Message: "0 of 1: ImagePullBackOff"}},
		{"1: Available Unknown is copied", []metav1.Condition{cond(avail, U, "Initializing", "waiting"), cond(verif, F, "EndpointUnavailable", "refused")},
			&metav1.Condition{Status: U, Reason: "Initializing", Message: "waiting"}},
		{"1: GatewayNotRegistered is copied", []metav1.Condition{cond(avail, F, "GatewayNotRegistered", "no route")},
			&metav1.Condition{Status: F, Reason: "GatewayNotRegistered", Message: "no route"}},
		{"2: Verified False", []metav1.Condition{cond(avail, T, "Available", "1 of 1"), cond(verif, F, "EndpointUnavailable", "not MCP")},
			&metav1.Condition{Status: F, Reason: "MCPEndpointUnavailable", Message: "not MCP"}},
		{"2: Verified False without Available", []metav1.Condition{cond(verif, F, "EndpointUnavailable", "not MCP")},
			&metav1.Condition{Status: F, Reason: "MCPEndpointUnavailable", Message: "not MCP"}},
		{"3: Verified True takes Available's message", []metav1.Condition{cond(avail, T, "Available", "1 of 1"), verifiedLater},
			&metav1.Condition{Status: T, Reason: "Available", Message: "1 of 1"}},
		{"3: authentication required is Available", []metav1.Condition{cond(avail, T, "Available", "1 of 1"), cond(verif, T, "AuthenticationRequired", "401")},
			&metav1.Condition{Status: T, Reason: "Available", Message: "1 of 1"}},
		{"3: only Verified True", []metav1.Condition{cond(verif, T, "Verified", "MCP handshake succeeded")},
			&metav1.Condition{Status: T, Reason: "Available", Message: "MCP handshake succeeded"}},
		{"4: scaled to zero", []metav1.Condition{cond(avail, T, "ScaledToZero", "replicas 0"), cond(verif, U, "NotVerified", "x")},
			&metav1.Condition{Status: T, Reason: "ScaledToZero", Message: "replicas 0"}},
		{"4: Available True, no Verified", []metav1.Condition{cond(avail, T, "Available", "1 of 1")},
			&metav1.Condition{Status: T, Reason: "Available", Message: "1 of 1"}},
		{"5: only Verified Unknown", []metav1.Condition{cond(verif, U, "NotVerified", "not yet")},
			&metav1.Condition{Status: U, Reason: "NotVerified", Message: "not yet"}},
		{"5: defaults", []metav1.Condition{cond(verif, U, "", "")},
			&metav1.Condition{Status: U, Reason: "NotVerified", Message: "Workload availability unknown"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mcpv1alpha1.ReadyFrom(tc.conditions)
			if tc.want != nil {
				tc.want.Type, tc.want.ObservedGeneration, tc.want.LastTransitionTime = "Ready", 3, t0
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Ready (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSplitReadyComesBack: the split of a Ready written through v1alpha1 derives the same Ready
// again, for every reason the operator or upstream writes.
func TestSplitReadyComesBack(t *testing.T) {
	for _, ready := range []metav1.Condition{
		cond("Ready", metav1.ConditionTrue, "Available", "1 of 1 replicas available"),
		cond("Ready", metav1.ConditionTrue, "ScaledToZero", "scaled to zero"),
		cond("Ready", metav1.ConditionTrue, "AuthenticationRequired", "401"),
		cond("Ready", metav1.ConditionFalse, "MCPEndpointUnavailable", "connection refused"),
		cond("Ready", metav1.ConditionTrue, "MCPEndpointUnavailable", "odd, but written by someone"),
		cond("Ready", metav1.ConditionUnknown, "MCPEndpointUnavailable", "odd"),
		cond("Ready", metav1.ConditionFalse, "DeploymentUnavailable", "CrashLoopBackOff"),
		cond("Ready", metav1.ConditionUnknown, "Initializing", "waiting"),
		cond("Ready", metav1.ConditionFalse, "ConfigurationInvalid", "missing ConfigMap"),
	} {
		split := mcpv1alpha1.SplitReady(ready)
		if diff := cmp.Diff(&ready, mcpv1alpha1.ReadyFrom(split)); diff != "" {
			t.Errorf("%s/%s: Ready after a split (-want +got):\n%s", ready.Status, ready.Reason, diff)
		}
	}
	got := mcpv1alpha1.SplitReady(cond("Ready", metav1.ConditionFalse, "MCPEndpointUnavailable", "refused"))
	want := []metav1.Condition{
		cond(mcpv1beta1.ConditionAvailable, metav1.ConditionTrue, "Available", "Workload is running"),
		cond(mcpv1beta1.ConditionVerified, metav1.ConditionFalse, "EndpointUnavailable", "refused"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("split of MCPEndpointUnavailable (-want +got):\n%s", diff)
	}
}

// TestHubRoundTripIsLossless: v1beta1 -> v1alpha1 -> v1beta1 gives back every field, the ones
// v1alpha1 has no place for included, for random objects.
func TestHubRoundTripIsLossless(t *testing.T) {
	f := filler(1)
	for i := 0; i < 500; i++ {
		hub := &mcpv1beta1.MCPServer{}
		f.Fill(hub)
		hub.TypeMeta = metav1.TypeMeta{} // the webhook sets each version's own
		uniqueConditions(&hub.Status.Conditions, "Available", "Verified", "Ready", "Accepted", "Exposed")
		spoke := &mcpv1alpha1.MCPServer{}
		if err := spoke.ConvertFrom(hub); err != nil {
			t.Fatal(err)
		}
		back := &mcpv1beta1.MCPServer{}
		if err := spoke.ConvertTo(back); err != nil {
			t.Fatal(err)
		}
		sortConditions(hub.Status.Conditions)
		sortConditions(back.Status.Conditions)
		if diff := jsonDiff(t, hub, back); diff != "" {
			t.Fatalf("v1beta1 round trip %d changed the object (-before +after):\n%s", i, diff)
		}
	}
}

// TestSpokeRoundTripIsLossless: v1alpha1 -> v1beta1 -> v1alpha1 gives back every field, for
// random objects.
func TestSpokeRoundTripIsLossless(t *testing.T) {
	f := filler(2)
	for i := 0; i < 500; i++ {
		spoke := &mcpv1alpha1.MCPServer{}
		f.Fill(spoke)
		spoke.TypeMeta = metav1.TypeMeta{}
		uniqueConditions(&spoke.Status.Conditions, "Ready", "Accepted", "Exposed", "NetworkPolicyRestricted")
		delete(spoke.Annotations, mcpv1alpha1.KeptFieldsAnnotation)
		if len(spoke.Annotations) == 0 {
			spoke.Annotations = nil
		}
		hub := &mcpv1beta1.MCPServer{}
		if err := spoke.ConvertTo(hub); err != nil {
			t.Fatal(err)
		}
		back := &mcpv1alpha1.MCPServer{}
		if err := back.ConvertFrom(hub); err != nil {
			t.Fatal(err)
		}
		// What the way back keeps for v1beta1 is v1beta1's business; the rest must be as it was.
		delete(back.Annotations, mcpv1alpha1.KeptFieldsAnnotation)
		if len(back.Annotations) == 0 {
			back.Annotations = nil
		}
		sortConditions(spoke.Status.Conditions)
		sortConditions(back.Status.Conditions)
		if diff := jsonDiff(t, spoke, back); diff != "" {
			t.Fatalf("v1alpha1 round trip %d changed the object (-before +after):\n%s", i, diff)
		}
	}
}

// TestKeptFieldsSurviveAWriteThroughV1alpha1: what a v1alpha1 client sends back (the object it
// read, edited) converts to the v1beta1 object it came from, spec.gateway included; a Ready the
// client changed is split instead of the kept conditions being restored.
func TestKeptFieldsSurviveAWriteThroughV1alpha1(t *testing.T) {
	hub := &mcpv1beta1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "gw", Annotations: map[string]string{"team": "a"}},
		Spec: mcpv1beta1.MCPServerSpec{
			Source:  mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/a/b:1"}},
			Config:  mcpv1beta1.ServerConfig{Port: 8080, Path: "/mcp"},
			Gateway: &mcpv1beta1.GatewayConfig{Provider: "httproute", ConfigRef: "gateway-config"},
		},
		Status: mcpv1beta1.MCPServerStatus{
			GatewayBinding: &mcpv1beta1.GatewayBindingReference{Name: "gw-gateway-binding", Provider: "httproute"},
			Conditions: []metav1.Condition{
				cond("Accepted", metav1.ConditionTrue, "Valid", "ok"),
				cond("Available", metav1.ConditionTrue, "Available", "1 of 1 replicas available"),
				cond("Verified", metav1.ConditionTrue, "AuthenticationRequired", "401 with a Bearer challenge"),
			},
		},
	}
	spoke := &mcpv1alpha1.MCPServer{}
	if err := spoke.ConvertFrom(hub); err != nil {
		t.Fatal(err)
	}
	spoke.Spec.Config.Port = 9090 // the client's edit
	edited := &mcpv1beta1.MCPServer{}
	if err := spoke.ConvertTo(edited); err != nil {
		t.Fatal(err)
	}
	want := hub.DeepCopy()
	want.Spec.Config.Port = 9090
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("after a v1alpha1 edit (-want +got):\n%s", diff)
	}

	spoke.Status.Conditions[1] = cond("Ready", metav1.ConditionFalse, "MCPEndpointUnavailable", "refused")
	rewritten := &mcpv1beta1.MCPServer{}
	if err := spoke.ConvertTo(rewritten); err != nil {
		t.Fatal(err)
	}
	if got := mcpv1alpha1.ReadyFrom(rewritten.Status.Conditions); got == nil || got.Reason != "MCPEndpointUnavailable" {
		t.Errorf("a Ready written through v1alpha1 gives %+v", got)
	}
	if rewritten.Spec.Gateway == nil {
		t.Error("spec.gateway was lost")
	}
}

// TestCorruptKeptFieldsDoNotFailConversion: an annotation edited into nonsense keeps nothing,
// and the object still converts (a failing conversion makes it unreadable in every version).
func TestCorruptKeptFieldsDoNotFailConversion(t *testing.T) {
	spoke := &mcpv1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "x", Annotations: map[string]string{mcpv1alpha1.KeptFieldsAnnotation: "{not json"}}}
	hub := &mcpv1beta1.MCPServer{}
	if err := spoke.ConvertTo(hub); err != nil {
		t.Fatal(err)
	}
	if hub.Annotations != nil || hub.Spec.Gateway != nil {
		t.Errorf("annotations %v gateway %v", hub.Annotations, hub.Spec.Gateway)
	}
}

// jsonDiff compares two objects as the API server stores them, in JSON, where an empty list and
// no list are the same.
func jsonDiff(t *testing.T, a, b any) string {
	t.Helper()
	var generic [2]any
	for i, obj := range []any{a, b} {
		data, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &generic[i]); err != nil {
			t.Fatal(err)
		}
	}
	return cmp.Diff(generic[0], generic[1])
}

// sortConditions orders conditions by type: their order (a list-map keyed by type) is not data.
// The conversion keeps it, except that readiness conditions that were not next to each other
// come back together.
func sortConditions(conditions []metav1.Condition) {
	slices.SortFunc(conditions, func(a, b metav1.Condition) int { return strings.Compare(a.Type, b.Type) })
}

// filler fills objects with random values that a real API server could hold: times in seconds,
// quantities and int-or-strings in canonical form.
func filler(seed int64) *randfill.Filler {
	return randfill.New().RandSource(rand.NewSource(seed)).NilChance(0.3).NumElements(0, 4).Funcs(
		func(t *metav1.Time, c randfill.Continue) {
			*t = metav1.NewTime(time.Unix(c.Int63n(1<<32), 0).UTC())
		},
		func(q *resource.Quantity, c randfill.Continue) {
			*q = *resource.NewMilliQuantity(c.Int63n(100000), resource.DecimalSI)
		},
		func(v *intstr.IntOrString, c randfill.Continue) {
			if c.Bool() {
				*v = intstr.FromInt32(c.Int31n(65535) + 1)
			} else {
				*v = intstr.FromString("p" + c.String(5))
			}
		},
		func(m *metav1.ObjectMeta, c randfill.Continue) {
			m.Name, m.Namespace, m.Generation = c.String(10), c.String(10), c.Int63n(100)
			c.Fill(&m.Labels)
			c.Fill(&m.Annotations)
		},
		func(cond *metav1.Condition, c randfill.Continue) {
			c.FillNoCustom(cond)
			cond.Status = []metav1.ConditionStatus{metav1.ConditionTrue, metav1.ConditionFalse, metav1.ConditionUnknown}[c.Intn(3)]
		},
	)
}

var shuffle = rand.New(rand.NewSource(3))

// uniqueConditions gives random conditions types from types, each once (conditions are a
// list-map keyed by type).
func uniqueConditions(conditions *[]metav1.Condition, types ...string) {
	shuffle.Shuffle(len(types), func(i, j int) { types[i], types[j] = types[j], types[i] })
	var out []metav1.Condition
	for i, c := range *conditions {
		if i >= len(types) {
			break
		}
		c.Type = types[i]
		out = append(out, c)
	}
	*conditions = out
}
