// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package localcluster

import (
	"fmt"
	"strings"

	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodeheartbeat "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
)

// The pods of kwok nodes go through kwok's fast stages, except for readiness gates. kwok's
// pod-ready stage sets every readiness gate True itself, so a gated pod would take traffic
// before anyone verified it, and the operator's verified rollouts would be simulated away.
// Here a kubelet's rule applies instead: a pod with readiness gates is Ready only while all of
// them are True. The gate is set by whoever owns it (the operator, after an MCP handshake);
// stages then make the pod Ready, or not Ready again when a gate turns False.

// gatedReadiness is kwok's pod-ready stage without the gates it sets, and Ready False while the
// pod has readiness gates.
func gatedReadiness() (string, error) {
	stage := podfast.DefaultPodReady
	for _, edit := range []struct{ from, to string }{
		{"name: pod-ready\n", "name: pod-ready-gated\n"},
		// Pods that are never ready are left to the neverReady stage.
		{`    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: 'NotIn'
`, `    - key: '` + neverReadyKey + `'
      operator: 'NotIn'
      values:
      - 'true'
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: 'NotIn'
`},
		{`      {{ range .spec.readinessGates }}
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: {{ .conditionType | Quote }}
      {{ end }}
`, ""},
		{`      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Ready
`, `      - lastTransitionTime: {{ $now | Quote }}
        {{ if .spec.readinessGates }}
        status: "False"
        reason: ReadinessGatesNotReady
        {{ else }}
        status: "True"
        {{ end }}
        type: Ready
`},
	} {
		if !strings.Contains(stage, edit.from) {
			return "", fmt.Errorf("kwok's pod-ready stage changed: it no longer contains %q", edit.from)
		}
		stage = strings.Replace(stage, edit.from, edit.to, 1)
	}
	return stage, nil
}

// NeverReadyEnv, set to "true" in a container's environment, keeps its pod on a kwok node from
// ever becoming ready: it runs, with the container waiting in CrashLoopBackOff, as a bad
// image's pod would. The bench's bad revisions use it.
const NeverReadyEnv = "KWOK_NEVER_READY"

// neverReadyKey selects the value of NeverReadyEnv in any of the pod's containers.
const neverReadyKey = `.spec.containers.[] | (.env // []) | .[] | select( .name == "` + NeverReadyEnv + `" ) | .value`

// podStage is a kwok Stage for pods that are not being deleted, are in phase, and whose
// selector keys (jq expressions) have the given values; next is its status template.
func podStage(name, phase string, keys [][2]string, next string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: %s
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - '%s'
`, name, phase)
	for _, k := range keys {
		fmt.Fprintf(&b, "    - key: '%s'\n      operator: 'In'\n      values:\n      - '%s'\n", k[0], k[1])
	}
	b.WriteString("  next:\n    statusTemplate: |\n")
	for _, line := range strings.Split(strings.TrimSuffix(next, "\n"), "\n") {
		b.WriteString("      " + line + "\n")
	}
	return b.String()
}

// neverReady is the stage of a pending pod whose container has NeverReadyEnv set: running,
// with an IP, and never ready.
var neverReady = podStage("pod-never-ready", "Pending", [][2]string{{neverReadyKey, "true"}}, `{{ $now := Now }}
conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Initialized
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  reason: ContainersNotReady
  type: Ready
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  reason: ContainersNotReady
  type: ContainersReady
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: false
  restartCount: 1
  state:
    waiting:
      reason: CrashLoopBackOff
{{ end }}
{{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
{{ with $podIPs }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
phase: Running
startTime: {{ $now | Quote }}
`)

// gateStage makes a running pod Ready (or not) when the operator's gate condition, the only
// readiness gate this project's pods carry, has the given status.
func gateStage(name, gate, gateStatus, readyNow, readyNext string) string {
	return podStage(name, "Running", [][2]string{
		{`.status.conditions.[] | select( .type == "` + gate + `" ) | .status`, gateStatus},
		{`.status.conditions.[] | select( .type == "Ready" ) | .status`, readyNow},
	}, `conditions:
- lastTransitionTime: {{ Now | Quote }}
  status: "`+readyNext+`"
  type: Ready
`)
}

// kwokStages is the stage configuration of the kwok controller: nodes, heartbeats, pods whose
// readiness follows their readiness gate, and pods that are never ready (NeverReadyEnv).
func kwokStages(gate string) (string, error) {
	ready, err := gatedReadiness()
	if err != nil {
		return "", err
	}
	return strings.Join([]string{nodefast.DefaultNodeInit, nodeheartbeat.DefaultNodeHeartbeatWithLease,
		ready, neverReady,
		gateStage("pod-gate-passed", gate, "True", "False", "True"),
		gateStage("pod-gate-failed", gate, "False", "True", "False"),
		podfast.DefaultPodComplete, podfast.DefaultPodDelete}, "\n---\n"), nil
}
