// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

// markdown writes the run's report: the faults, the checks, and what they found.
func (s *session) markdown(root string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	host, _ := os.Hostname()
	w("# Reliability: the chaos run\n\n")
	w("Written by `make chaos` (hack/chaos) on %s, on %s (%d CPUs, %s/%s); seed %d, so `go run ./hack/chaos -seed %d` ",
		s.started.UTC().Format("2006-01-02 15:04 MST"), host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, s.cfg.seed, s.cfg.seed)
	w("replays the same schedule.\n\n")
	w("Two operator replicas with leader election ran against a local control plane (etcd, kube-apiserver, ")
	w("kube-controller-manager, kube-scheduler, kwok nodes), with `--reverify-interval=%s`. ", s.cfg.reverify)
	w("There were %d MCPServers, all Ready or failing as they should %s after the first was created:\n\n", s.cfg.servers, s.initialReady.Round(time.Second))
	w("| namespace | MCPServers | their MCP endpoint |\n| --- | --- | --- |\n")
	endpoints := map[string]string{
		"chaos-good":      "the sample MCP server; spec edits go to these, and one more MCPServer (`" + takenName + "`) has a name a foreign Deployment already has",
		"chaos-flap":      "the sample MCP server, stopped and started every 5 to 15 s",
		"chaos-hang":      "accepts connections and never answers",
		"chaos-slowloris": "answers one byte a second, forever",
		"chaos-garbage":   "answers 200 OK with 8 KiB of random bytes declared as JSON",
	}
	for _, bh := range s.behaviours {
		w("| %s | %d | %s |\n", bh.namespace, bh.count, endpoints[bh.namespace])
	}
	w("\n## Faults injected over %s\n\n", s.cfg.duration)
	counts := map[string]int{}
	for _, f := range s.faults {
		counts[f.kind]++
	}
	w("| fault | count |\n| --- | --- |\n")
	for _, kind := range []string{faultKill, faultAPIServer, faultEtcd} {
		w("| %s | %d |\n", kind, counts[kind])
	}
	w("| spec edits (a changed environment variable, so a new rollout) | %d accepted, %d refused while the control plane was down |\n",
		s.edits.done.Load(), s.edits.fail.Load())
	w("| the flapping servers' endpoint stopped or started | %d |\n\n", s.flaps)
	restarts := 0
	for _, r := range s.replicas {
		restarts += r.starts - 1
	}
	kills := counts[faultKill] + 1 // and the handover's
	w("The replicas were started again %d times, as the kubelet would: %d after the SIGKILLs, %d after a replica ended "+
		"by itself (controller-runtime ends a leader that cannot renew its Lease, as when the API server is down).\n\n",
		restarts, min(kills, restarts), max(0, restarts-kills))
	w("<details><summary>Timeline</summary>\n\n| at | fault | detail |\n| --- | --- | --- |\n")
	for _, f := range s.faults {
		w("| %s | %s | %s |\n", f.at.Round(100*time.Millisecond), f.kind, f.detail)
	}
	w("\n</details>\n\n")
	w("## Afterwards\n\n")
	w("Every MCPServer settled %s after the faults ended. Then:\n\n", s.converged.Round(time.Second))
	w("| check | |\n| --- | --- |\n")
	w("| objects checked | %d |\n", s.checks.objects)
	w("| violations found (target 0) | %d |\n", len(s.checks.violations))
	w("| the leader's fewest goroutines, in two windows of %s (no growth: at most %d more) | %v, then %v |\n",
		2*s.cfg.reverify, goroutineSlack, s.goroutinesBefore, s.goroutinesAfter)
	w("| leader handovers after the %d kills under load (target: each within %s, the %s lease duration plus one jittered %s retry) | longest %s |\n",
		len(s.handoversUnderLoad), handoverLimit, leaseDuration, retryPeriod,
		slices.Max(append([]time.Duration{0}, s.handoversUnderLoad...)).Round(100*time.Millisecond))
	w("| leader handover after the settled leader was killed (same target) | %s |\n", s.handover.Round(100*time.Millisecond))
	w("| writes by the new leader to healthy servers and their objects until it had re-verified every server (target 0) | %s |\n\n", writes(s.writesAfterHandover))
	w("The checks: each MCPServer's status describes its current generation; its Deployment runs the image and ")
	w("environment its spec asks for; it owns exactly one Deployment, Service and NetworkPolicy; every object with an ")
	w("MCPServer owner has a living owner, and nothing else is in the namespaces but the foreign objects; the ")
	w("foreign objects (a Deployment, Service and NetworkPolicy of another app, and the Deployment whose name an ")
	w("MCPServer wanted) still exist, unchanged, with no field managed by the operator; the MCPServer with the taken ")
	w("name is not Ready; and a direct MCP handshake with every server agrees with its Ready condition and server info.\n\n")
	if len(s.checks.violations) > 0 {
		w("## Violations\n\n| check | object | detail |\n| --- | --- | --- |\n")
		v := s.checks.violations
		sort.Slice(v, func(i, j int) bool { return v[i].check+v[i].object < v[j].check+v[j].object })
		for _, x := range v {
			w("| %s | %s | %s |\n", x.check, x.object, strings.ReplaceAll(x.detail, "|", "\\|"))
		}
		w("\n")
	}
	w("Logs of the run (the operator replicas, the control plane, the MCP servers) are kept in `%s`.\n", relTo(root, s.cfg.artifacts))
	return b.String()
}

func writes(m map[string]int) string {
	if sum(m) == 0 {
		return "0"
	}
	var parts []string
	for r, n := range m {
		parts = append(parts, fmt.Sprintf("%s %d", r, n))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%d (%s)", sum(m), strings.Join(parts, ", "))
}

func relTo(root, path string) string {
	if rel, ok := strings.CutPrefix(path, root+"/"); ok {
		return rel
	}
	return path
}
