// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/render"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	crcache "sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
)

// watcher follows Deployments and MCPServers through informers, so that the bench waits on
// in-memory state instead of listing thousands of objects again and again.
type watcher struct {
	cache crcache.Cache

	mu sync.Mutex
	// ready is when each MCPServer was first seen Ready; created and available when each
	// of its Deployments was first seen, and first seen available; floorCreated and
	// floorAvailable the same of the floor's Deployments.
	ready, created, available, floorCreated, floorAvailable map[string]time.Time
	// steps counts the statuses MCPServers were seen with before they were first Ready, and
	// the Ready one, by what Available and Verified said: which writes a server needs.
	steps map[string]int
}

func startWatcher(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme) (*watcher, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 1000, 2000
	c, err := crcache.New(cfg, crcache.Options{Scheme: scheme,
		DefaultNamespaces: map[string]crcache.Config{floorNamespace: {}, benchNamespace: {}}})
	if err != nil {
		return nil, err
	}
	w := &watcher{cache: c, ready: map[string]time.Time{}, created: map[string]time.Time{}, available: map[string]time.Time{},
		floorCreated: map[string]time.Time{}, floorAvailable: map[string]time.Time{}, steps: map[string]int{}}
	servers, err := c.GetInformer(ctx, &mcpv1beta1.MCPServer{})
	if err != nil {
		return nil, err
	}
	if _, err := servers.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    w.observe,
		UpdateFunc: w.observeUpdate,
	}); err != nil {
		return nil, err
	}
	deployments, err := c.GetInformer(ctx, &appsv1.Deployment{})
	if err != nil {
		return nil, err
	}
	if _, err := deployments.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    w.observeDeployment,
		UpdateFunc: func(_, obj any) { w.observeDeployment(obj) },
	}); err != nil {
		return nil, err
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("the bench's informers did not sync")
	}
	return w, nil
}

func (w *watcher) observe(obj any) {
	s, ok := obj.(*mcpv1beta1.MCPServer)
	if !ok || !mcpv1alpha1.IsReady(s.Status.Conditions) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, seen := w.ready[s.Name]; !seen {
		w.ready[s.Name] = time.Now()
	}
}

// observeUpdate counts a status change made before the server was first Ready, and then
// observes the server.
func (w *watcher) observeUpdate(old, obj any) {
	o, ok1 := old.(*mcpv1beta1.MCPServer)
	s, ok2 := obj.(*mcpv1beta1.MCPServer)
	if ok1 && ok2 && len(s.Status.Conditions) > 0 && !apiequality.Semantic.DeepEqual(o.Status, s.Status) {
		w.mu.Lock()
		if _, ready := w.ready[s.Name]; !ready {
			w.steps[statusStep(s.Status)]++
		}
		w.mu.Unlock()
	}
	w.observe(obj)
}

// statusStep names a status by its Available and Verified conditions.
func statusStep(s mcpv1beta1.MCPServerStatus) string {
	var parts []string
	for _, t := range []string{mcpv1beta1.ConditionAvailable, mcpv1beta1.ConditionVerified} {
		if c := apimeta.FindStatusCondition(s.Conditions, t); c != nil {
			parts = append(parts, fmt.Sprintf("%s %s/%s", t, c.Status, c.Reason))
		}
	}
	return strings.Join(parts, ", ")
}

// statusSteps returns the tally of statusStep.
func (w *watcher) statusSteps() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.steps)
}

func (w *watcher) observeDeployment(obj any) {
	d, ok := obj.(*appsv1.Deployment)
	if !ok {
		return
	}
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	created, available := w.created, w.available
	switch d.Namespace {
	case benchNamespace:
	case floorNamespace:
		created, available = w.floorCreated, w.floorAvailable
	default:
		return
	}
	if _, seen := created[d.Name]; !seen {
		created[d.Name] = now
	}
	if _, seen := available[d.Name]; !seen && d.Status.AvailableReplicas > 0 {
		available[d.Name] = now
	}
}

// milestones gives, for each stage of the way to Ready, when the first, the median and the last
// server reached it, from start; with floor, the floor's stages instead.
func (w *watcher) milestones(start time.Time, floor bool) map[string][3]time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	stages := map[string]map[string]time.Time{"Deployment created": w.created, "Deployment available": w.available, "MCPServer Ready": w.ready}
	if floor {
		stages = map[string]map[string]time.Time{floorStage("Deployment created"): w.floorCreated, floorStage("Deployment available"): w.floorAvailable}
	}
	out := map[string][3]time.Duration{}
	for name, times := range stages {
		if len(times) == 0 {
			continue
		}
		sorted := make([]time.Duration, 0, len(times))
		for _, t := range times {
			sorted = append(sorted, t.Sub(start))
		}
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		out[name] = [3]time.Duration{sorted[0], sorted[len(sorted)/2], sorted[len(sorted)-1]}
	}
	return out
}

func (w *watcher) readyCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.ready)
}

// readyTimes lists when each MCPServer was first Ready, earliest first.
func (w *watcher) readyTimes() []time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	times := make([]time.Time, 0, len(w.ready))
	for _, t := range w.ready {
		times = append(times, t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	return times
}

// readyNow counts the MCPServers that are Ready at this moment.
func (w *watcher) readyNow() int {
	return w.countServers(func(s *mcpv1beta1.MCPServer) bool { return mcpv1alpha1.IsReady(s.Status.Conditions) })
}

// rolledBackNow counts the MCPServers whose newest revision is rolled back, for their current
// generation.
func (w *watcher) rolledBackNow() int {
	return w.countServers(func(s *mcpv1beta1.MCPServer) bool {
		c := apimeta.FindStatusCondition(s.Status.Conditions, mcpv1beta1.ConditionRolloutVerified)
		return c != nil && c.Reason == mcpv1beta1.ReasonRolledBack && c.ObservedGeneration == s.Generation
	})
}

// countServers counts the bench's MCPServers for which pred holds.
func (w *watcher) countServers(pred func(*mcpv1beta1.MCPServer) bool) int {
	list := &mcpv1beta1.MCPServerList{}
	if err := w.cache.List(context.Background(), list, client.InNamespace(benchNamespace)); err != nil {
		return 0
	}
	n := 0
	for i := range list.Items {
		if pred(&list.Items[i]) {
			n++
		}
	}
	return n
}

// countDeployments counts the Deployments in namespace for which pred holds (all with nil).
func (w *watcher) countDeployments(namespace string, pred func(*appsv1.Deployment) bool) int {
	list := &appsv1.DeploymentList{}
	if err := w.cache.List(context.Background(), list, client.InNamespace(namespace)); err != nil {
		return 0
	}
	n := 0
	for i := range list.Items {
		if pred == nil || pred(&list.Items[i]) {
			n++
		}
	}
	return n
}

// configHashes maps each Deployment in namespace to its pod template's config hash.
func (w *watcher) configHashes(namespace string) map[string]string {
	list := &appsv1.DeploymentList{}
	hashes := map[string]string{}
	if err := w.cache.List(context.Background(), list, client.InNamespace(namespace)); err != nil {
		return hashes
	}
	for _, d := range list.Items {
		hashes[d.Name] = d.Spec.Template.Annotations[render.ConfigHashAnnotation]
	}
	return hashes
}

// memoryNow reads a process's resident memory now (MiB): anonymous (the heap, stacks: what the
// process holds) and file-backed (pages of its binary, which the kernel can drop and re-read).
func memoryNow(pid int) (anonMiB, fileMiB float64, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		for prefix, into := range map[string]*float64{"RssAnon:": &anonMiB, "RssFile:": &fileMiB} {
			if rest, ok := strings.CutPrefix(line, prefix); ok {
				kib, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
				if err != nil {
					return 0, 0, err
				}
				*into = kib / 1024
			}
		}
	}
	return anonMiB, fileMiB, nil
}

// processStats reads a process's peak resident set (MiB) and CPU time (seconds) from /proc.
func processStats(pid int) (peakRSSMiB, cpuSeconds float64, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0, 0, err
			}
			peakRSSMiB = kib / 1024
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// Fields after the command name (which may hold spaces) start at state; utime and stime
	// are fields 14 and 15 of the whole line, in clock ticks of 1/100 s on Linux.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	utime, err := strconv.ParseFloat(fields[11], 64)
	if err != nil {
		return 0, 0, err
	}
	stime, err := strconv.ParseFloat(fields[12], 64)
	if err != nil {
		return 0, 0, err
	}
	return peakRSSMiB, (utime + stime) / 100, nil
}

// fetchProfile saves one of the operator's pprof profiles.
func fetchProfile(ctx context.Context, addr, profile, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/debug/pprof/"+profile, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("fetching the %s profile: %w", profile, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching the %s profile: %s", profile, resp.Status)
	}
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// fetchAPIServerProfile saves a 30-second CPU profile of the API server.
func fetchAPIServerProfile(ctx context.Context, cfg *rest.Config, file string) error {
	rc, err := rest.RESTClientFor(metricsConfig(cfg))
	if err != nil {
		return err
	}
	raw, err := rc.Get().AbsPath("/debug/pprof/profile").Param("seconds", "30").Timeout(time.Minute).DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("profiling the API server: %w", err)
	}
	return os.WriteFile(file, raw, 0o644)
}

// handshakeCount reads how many MCP handshakes the operator has run, from its metrics.
func handshakeCount(ctx context.Context, addr string) (float64, error) {
	total, _, err := localcluster.Metric(ctx, addr, "mcp_operator_handshake_duration_seconds_count")
	return total, err
}

// phaseCost is what the whole control plane spent in one phase: CPU seconds by program (the
// bench's child processes) and API requests by verb (the API server's own count, everyone's).
type phaseCost struct {
	CPU      map[string]float64
	Requests map[string]float64
}

// costSince is the cost between an earlier snapshot and now.
func costSince(ctx context.Context, cfg *rest.Config, before phaseCost) (phaseCost, error) {
	now, err := snapshotCost(ctx, cfg)
	if err != nil {
		return phaseCost{}, err
	}
	diff := phaseCost{CPU: map[string]float64{}, Requests: map[string]float64{}}
	for k, v := range now.CPU {
		diff.CPU[k] = v - before.CPU[k]
	}
	for k, v := range now.Requests {
		diff.Requests[k] = v - before.Requests[k]
	}
	return diff, nil
}

// snapshotCost reads the counters that costSince subtracts.
func snapshotCost(ctx context.Context, cfg *rest.Config) (phaseCost, error) {
	cpu, err := childCPU()
	if err != nil {
		return phaseCost{}, err
	}
	requests, err := apiServerRequests(ctx, cfg)
	return phaseCost{CPU: cpu, Requests: requests}, err
}

// childCPU sums the CPU seconds of this process's children (the control plane, the operator,
// the sample server) by command name.
func childCPU() (map[string]float64, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	me := strconv.Itoa(os.Getpid())
	out := map[string]float64{}
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		open, end := strings.IndexByte(string(stat), '('), strings.LastIndexByte(string(stat), ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(string(stat[end+1:]))
		if len(fields) < 13 || fields[1] != me {
			continue
		}
		utime, _ := strconv.ParseFloat(fields[11], 64)
		stime, _ := strconv.ParseFloat(fields[12], 64)
		out[string(stat[open+1:end])] += (utime + stime) / 100
	}
	return out, nil
}

// apiServerRequests sums apiserver_request_total by verb.
func apiServerRequests(ctx context.Context, cfg *rest.Config) (map[string]float64, error) {
	rc, err := rest.RESTClientFor(metricsConfig(cfg))
	if err != nil {
		return nil, err
	}
	raw, err := rc.Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the API server's metrics: %w", err)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "apiserver_request_total{") {
			continue
		}
		verb := labelValue(line, "verb")
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return nil, err
		}
		out[verb] += v
	}
	return out, nil
}

func metricsConfig(cfg *rest.Config) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.GroupVersion = &schema.GroupVersion{}
	c.NegotiatedSerializer = serializer.NewCodecFactory(runtime.NewScheme()).WithoutConversion()
	c.APIPath = "/"
	return c
}

func labelValue(line, label string) string {
	i := strings.Index(line, label+`="`)
	if i < 0 {
		return ""
	}
	rest := line[i+len(label)+2:]
	return rest[:strings.IndexByte(rest, '"')]
}

// eventReasons counts the events about the bench's MCPServers by type and reason.
func eventReasons(ctx context.Context, c client.Client) (map[string]int, error) {
	list := &corev1.EventList{}
	if err := c.List(ctx, list, client.InNamespace(benchNamespace)); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, e := range list.Items {
		if e.InvolvedObject.Kind == "MCPServer" {
			out[e.Type+" "+e.Reason] += max(1, int(e.Count))
		}
	}
	return out, nil
}
