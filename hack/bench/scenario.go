// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/render"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
)

const (
	floorNamespace    = "floor"
	benchNamespace    = "bench"
	operatorNamespace = "mcp-operator-system"
	adminConfigMap    = "mcp-operator-values"
	sharedConfigMap   = "bench-config"
	// operatorUser is the identity the operator runs as, so that the audit log tells its
	// requests apart.
	operatorUser = "mcp-operator"
	// podsPerNode is each kwok node's capacity; the bench sizes the node count from it.
	podsPerNode = 1000
	// patience bounds every wait of one N.
	patience = 30 * time.Minute
)

// milestoneStages are the stages on the way to Ready, in order, the floor's first.
var milestoneStages = []string{floorStage("Deployment created"), floorStage("Deployment available"),
	"Deployment created", "Deployment available", "MCPServer Ready"}

// floorStage names a stage of the floor, timed from the floor's first create.
func floorStage(stage string) string { return "floor (from its own first create): " + stage }

// result is what one N measured.
type result struct {
	N int
	// Floor: a plain client's N Deployments and Services, until all are Available.
	Floor time.Duration
	// From the first MCPServer create: the first, the median and the last to be Ready.
	FirstReady, MedianReady, AllReady time.Duration
	// Created: from the first MCPServer create to the last.
	Created time.Duration
	// The operator process: peak RSS when all were Ready and at the end; CPU until all Ready.
	PeakRSSMiB, EndPeakRSSMiB, CPUSeconds float64
	// AnonMiB and FileMiB split the resident memory when all were Ready.
	AnonMiB, FileMiB float64
	// Requests are the operator's API requests until all were Ready, by "verb resource".
	Requests map[string]int
	// StatusSteps and EventReasons tally the statuses MCPServers went through to Ready and the
	// events about them until all were Ready.
	StatusSteps, EventReasons map[string]int
	// Writes and Events are its write requests (events included) and event writes until then.
	Writes, Events int
	// FloorCost and OperatorCost are what the control plane spent in each phase.
	FloorCost, OperatorCost phaseCost
	// Milestones: first, median and last server to reach each stage, from the first create.
	Milestones map[string][3]time.Duration
	// IdleWrites and IdleRequests are counted in the idle window after everything was Ready;
	// Reverified is how many handshakes ran in it.
	IdleWrites, IdleRequests int
	Reverified               float64
	// Rolls: time until every Deployment rolled out and every MCPServer was Ready again, and the
	// operator's writes during it.
	RollAdmin, RollConfigMap             time.Duration
	RollAdminWrites, RollConfigMapWrites int
	// Rollback: time from a bad revision of every server (pods that are never ready) until
	// every Deployment was back on the verified revision, rolled out, with the operator's
	// writes; RollbackMostUnavailable is the most Deployments without an available pod at any
	// moment of it (what clients of the Services would have felt).
	Rollback                                  time.Duration
	RollbackWrites                            int
	RollbackMostUnavailable                   int
	CPUProfile, HeapProfile, APIServerProfile string
}

func (r result) ratio() float64 {
	if r.Floor == 0 {
		return 0
	}
	return r.AllReady.Seconds() / r.Floor.Seconds()
}

func (r result) writesPerServer() float64 { return float64(r.Writes) / float64(r.N) }

// requestsPerServer counts every request of the operator's until all were Ready, reads included.
func (r result) requestsPerServer() float64 {
	total := 0
	for _, n := range r.Requests {
		total += n
	}
	return float64(total) / float64(r.N)
}

// run is one N: a fresh control plane, the floor, then the operator.
type runN struct {
	cfg      config
	n        int
	dir      string
	cluster  *localcluster.Cluster
	watch    *watcher
	operator *localcluster.Process
	pprof    string
	metrics  string
	res      result
}

func measure(ctx context.Context, c config, n int) (result, error) {
	dir, err := os.MkdirTemp("", fmt.Sprintf("mcp-bench-%d-", n))
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	r := &runN{cfg: c, n: n, dir: dir, res: result{N: n}}
	err = r.run(ctx)
	if err != nil && r.operator != nil {
		err = fmt.Errorf("%w\noperator log (last 40 lines):\n%s", err, r.operator.Tail(40))
	}
	return r.res, err
}

func (r *runN) run(ctx context.Context) error {
	if err := r.startCluster(ctx); err != nil {
		return err
	}
	defer func() { _ = r.cluster.Stop() }()
	var err error
	if r.watch, err = startWatcher(ctx, r.cluster.Config, r.cluster.Client.Scheme()); err != nil {
		return err
	}
	if err := r.measureFloor(ctx); err != nil {
		return fmt.Errorf("the floor: %w", err)
	}
	if err := r.startOperator(ctx); err != nil {
		return err
	}
	defer r.operator.Stop(10 * time.Second)
	if err := r.measureOperator(ctx); err != nil {
		return err
	}
	if err := r.measureIdle(ctx); err != nil {
		return err
	}
	if !r.cfg.skipRolls && (r.cfg.rollsUpTo == 0 || r.n <= r.cfg.rollsUpTo) {
		if err := r.measureRolls(ctx); err != nil {
			return err
		}
	}
	peak, _, err := processStats(r.operator.Pid())
	r.res.EndPeakRSSMiB = peak
	return err
}

// startCluster starts a control plane with the API server's audit log recording the operator's
// requests (and nobody else's).
func (r *runN) startCluster(ctx context.Context) error {
	nodes := max(2, (2*r.n+podsPerNode-1)/podsPerNode)
	say("N=%d: starting a local control plane with %d kwok nodes of %d pods", r.n, nodes, podsPerNode)
	var err error
	r.cluster, err = localcluster.Start(ctx, localcluster.Options{
		Dir: r.dir, Nodes: nodes, PodsPerNode: podsPerNode, AuditUser: operatorUser,
	})
	if err != nil {
		return err
	}
	for _, ns := range []string{floorNamespace, benchNamespace, operatorNamespace} {
		if err := r.cluster.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			return err
		}
	}
	return nil
}

// measureFloor creates the Deployments and Services the operator would render for N servers,
// with a plain client, times them until all are Available, then deletes them all.
func (r *runN) measureFloor(ctx context.Context) error {
	objs, err := floorObjects(r.n)
	if err != nil {
		return err
	}
	say("N=%d: the floor: creating %d Deployments and %d Services with a plain client", r.n, r.n, r.n)
	before, err := snapshotCost(ctx, r.cluster.Config)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := createAll(ctx, r.cluster.Config, r.cluster.Client.Scheme(), objs, r.cfg.creators); err != nil {
		return err
	}
	if err := r.waitUntil(ctx, "every floor Deployment Available", func() (bool, string) {
		available := r.watch.countDeployments(floorNamespace, func(d *appsv1.Deployment) bool { return d.Status.AvailableReplicas >= 1 })
		return available == r.n, fmt.Sprintf("%d of %d available", available, r.n)
	}); err != nil {
		return err
	}
	r.res.Floor = time.Since(start)
	r.res.Milestones = r.watch.milestones(start, true)
	if r.res.FloorCost, err = costSince(ctx, r.cluster.Config, before); err != nil {
		return err
	}
	say("N=%d: the floor is %s; deleting it", r.n, r.res.Floor.Round(100*time.Millisecond))
	if err := r.cluster.Client.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: floorNamespace}}); err != nil {
		return err
	}
	return r.waitUntil(ctx, "the floor namespace gone", func() (bool, string) {
		err := r.cluster.Client.Get(ctx, client.ObjectKey{Name: floorNamespace}, &corev1.Namespace{})
		return apierrors.IsNotFound(err), fmt.Sprintf("%d floor Deployments left", r.watch.countDeployments(floorNamespace, nil))
	})
}

// startOperator runs the sample MCP server and the operator binary, as its own user.
func (r *runN) startOperator(ctx context.Context) error {
	sampleAddr := fmt.Sprintf("127.0.0.1:%d", localcluster.FreePort())
	sample, err := localcluster.StartProcess(r.dir, "sample-mcp-server", nil, filepath.Join(r.cfg.binDir, "sample-mcp-server"),
		"--listen="+sampleAddr, "--allow-any-host", "--name=bench")
	if err != nil {
		return err
	}
	go func() { <-ctx.Done(); sample.Stop(time.Second) }()
	kubeconfig, err := r.cluster.UserKubeconfig(operatorUser, "system:masters")
	if err != nil {
		return err
	}
	probeAddr := fmt.Sprintf("127.0.0.1:%d", localcluster.FreePort())
	r.pprof = fmt.Sprintf("127.0.0.1:%d", localcluster.FreePort())
	r.metrics = fmt.Sprintf("127.0.0.1:%d", localcluster.FreePort())
	args := append([]string{
		"--kubeconfig=" + kubeconfig, "--operator-namespace=" + operatorNamespace,
		"--health-probe-bind-address=" + probeAddr, "--pprof-bind-address=" + r.pprof,
		"--metrics-bind-address=" + r.metrics, "--metrics-secure=false",
		"--reverify-interval=" + r.cfg.reverify.String(),
		fmt.Sprintf("--resolve=*.%s.svc.cluster.local:8080:%s", benchNamespace, sampleAddr),
	}, append(r.cluster.OperatorWebhookArgs(), r.cfg.operatorArgs...)...)
	say("N=%d: starting the operator: manager %v", r.n, args[1:])
	r.operator, err = localcluster.StartProcess(r.dir, "operator", nil, filepath.Join(r.cfg.binDir, "manager"), args...)
	if err != nil {
		return err
	}
	return r.waitUntil(ctx, "the operator and the sample server to answer", func() (bool, string) {
		if exited, err := r.operator.Exited(); exited {
			return false, fmt.Sprintf("the operator exited: %v", err)
		}
		for _, addr := range []string{probeAddr, sampleAddr} {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				return false, err.Error()
			}
			_ = conn.Close()
		}
		resp, err := http.Get("http://" + probeAddr + "/readyz")
		if err != nil {
			return false, err.Error()
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status
	})
}

// measureOperator creates N MCPServers at once and times them until all are Ready.
func (r *runN) measureOperator(ctx context.Context) error {
	if err := r.cluster.Client.Create(ctx, sharedConfig("1")); err != nil {
		return err
	}
	before, err := snapshotCost(ctx, r.cluster.Config)
	if err != nil {
		return err
	}
	windowStart := time.Now()
	cpuProfile := filepath.Join(r.cfg.artifacts, fmt.Sprintf("cpu-%d.pprof", r.n))
	apiProfile := filepath.Join(r.cfg.artifacts, fmt.Sprintf("apiserver-cpu-%d.pprof", r.n))
	profiled := make(chan error, 2)
	go func() { profiled <- fetchProfile(ctx, r.pprof, "profile?seconds=30", cpuProfile) }()
	go func() { profiled <- fetchAPIServerProfile(ctx, r.cluster.Config, apiProfile) }()

	say("N=%d: creating %d MCPServers", r.n, r.n)
	start := time.Now()
	if err := createAll(ctx, r.cluster.Config, r.cluster.Client.Scheme(), benchServers(r.n), r.cfg.creators); err != nil {
		return err
	}
	r.res.Created = time.Since(start)
	say("N=%d: created %d MCPServers in %s", r.n, r.n, r.res.Created.Round(100*time.Millisecond))
	if err := r.waitUntil(ctx, "every MCPServer Ready", func() (bool, string) {
		ready := r.watch.readyCount()
		return ready == r.n, fmt.Sprintf("%d of %d Ready", ready, r.n)
	}); err != nil {
		return err
	}
	end := time.Now()
	if r.res.OperatorCost, err = costSince(ctx, r.cluster.Config, before); err != nil {
		return err
	}
	times := r.watch.readyTimes()
	r.res.FirstReady, r.res.MedianReady, r.res.AllReady = times[0].Sub(start), times[len(times)/2].Sub(start), times[len(times)-1].Sub(start)
	maps.Copy(r.res.Milestones, r.watch.milestones(start, false))
	say("N=%d: control plane CPU, floor %v; operator %v", r.n, r.res.FloorCost.CPU, r.res.OperatorCost.CPU)
	say("N=%d: API requests, floor %v; operator %v", r.n, r.res.FloorCost.Requests, r.res.OperatorCost.Requests)
	for _, stage := range milestoneStages {
		m := r.res.Milestones[stage]
		say("N=%d: %s: first %s, median %s, last %s", r.n, stage, m[0].Round(100*time.Millisecond), m[1].Round(100*time.Millisecond), m[2].Round(100*time.Millisecond))
	}
	if r.res.PeakRSSMiB, r.res.CPUSeconds, err = processStats(r.operator.Pid()); err != nil {
		return err
	}
	if r.res.AnonMiB, r.res.FileMiB, err = memoryNow(r.operator.Pid()); err != nil {
		return err
	}
	r.res.HeapProfile = filepath.Join(r.cfg.artifacts, fmt.Sprintf("heap-%d.pprof", r.n))
	if err := fetchProfile(ctx, r.pprof, "heap", r.res.HeapProfile); err != nil {
		return err
	}
	for range 2 {
		if err := <-profiled; err != nil {
			return err
		}
	}
	r.res.CPUProfile, r.res.APIServerProfile = cpuProfile, apiProfile
	counts, err := r.cluster.Audit.Count(windowStart, end)
	if err != nil {
		return err
	}
	r.res.Requests, r.res.Writes, r.res.Events = counts.ByVerbResource, counts.Writes, counts.Events
	r.res.StatusSteps = r.watch.statusSteps()
	if r.res.EventReasons, err = eventReasons(ctx, r.cluster.Client); err != nil {
		return err
	}
	say("N=%d: statuses on the way to Ready %v; events %v", r.n, r.res.StatusSteps, r.res.EventReasons)
	say("N=%d: all Ready in %s (first %s, median %s); %d writes", r.n, r.res.AllReady.Round(100*time.Millisecond),
		r.res.FirstReady.Round(100*time.Millisecond), r.res.MedianReady.Round(100*time.Millisecond), r.res.Writes)
	return nil
}

// measureIdle counts the operator's requests while nothing changes, re-verification running.
func (r *runN) measureIdle(ctx context.Context) error {
	say("N=%d: idle for %s", r.n, r.cfg.idle)
	before, err := handshakeCount(ctx, r.metrics)
	if err != nil {
		return err
	}
	start := time.Now()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(r.cfg.idle):
	}
	end := time.Now()
	after, err := handshakeCount(ctx, r.metrics)
	if err != nil {
		return err
	}
	counts, err := r.cluster.Audit.Count(start, end)
	if err != nil {
		return err
	}
	r.res.IdleWrites, r.res.IdleRequests, r.res.Reverified = counts.Writes, counts.Total, after-before
	return nil
}

// measureRolls times rolling every server after an admin values change, then after a change
// of the ConfigMap they all mount, then rolling back a bad revision of every server.
func (r *runN) measureRolls(ctx context.Context) error {
	c := r.cluster.Client
	admin := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: adminConfigMap, Namespace: operatorNamespace},
		Data: map[string]string{"overrides.yaml": "nodeSelector:\n  type: kwok\n"}}
	var err error
	r.res.RollAdmin, r.res.RollAdminWrites, err = r.timeRoll(ctx, "an admin values change", func() error { return c.Create(ctx, admin) },
		func(d *appsv1.Deployment) bool { return d.Spec.Template.Spec.NodeSelector["type"] == "kwok" })
	if err != nil {
		return err
	}
	hashes := r.watch.configHashes(benchNamespace)
	r.res.RollConfigMap, r.res.RollConfigMapWrites, err = r.timeRoll(ctx, "a shared ConfigMap change", func() error { return c.Update(ctx, sharedConfig("2")) },
		func(d *appsv1.Deployment) bool {
			h := d.Spec.Template.Annotations[render.ConfigHashAnnotation]
			return h != "" && h != hashes[d.Name]
		})
	if err != nil {
		return err
	}
	r.res.Rollback, r.res.RollbackWrites, r.res.RollbackMostUnavailable, err = r.timeRollback(ctx)
	return err
}

// rollbackDeadline is spec.rollout.deadlineSeconds of the bad revision.
const rollbackDeadline = 60

// timeRollback gives every server a bad revision, whose pods run but never become ready (as a
// crashing image's would), with a deadline of rollbackDeadline seconds, and times it until every
// server reports the revision rolled back and its Deployment runs the verified revision again.
func (r *runN) timeRollback(ctx context.Context) (time.Duration, int, int, error) {
	say("N=%d: a bad revision of every server, deadline %ds", r.n, rollbackDeadline)
	patch := client.RawPatch(types.MergePatchType, []byte(fmt.Sprintf(
		`{"spec":{"config":{"env":[{"name":%q,"value":"true"}]},"rollout":{"deadlineSeconds":%d}}}`, localcluster.NeverReadyEnv, rollbackDeadline)))
	start := time.Now()
	if err := patchAll(ctx, r.cluster.Config, r.cluster.Client.Scheme(), benchServers(r.n), patch, r.cfg.creators); err != nil {
		return 0, 0, 0, err
	}
	mostUnavailable := 0
	if err := r.waitUntil(ctx, "every bad revision rolled back", func() (bool, string) {
		mostUnavailable = max(mostUnavailable, r.watch.countDeployments(benchNamespace, func(d *appsv1.Deployment) bool { return d.Status.AvailableReplicas == 0 }))
		back := r.watch.countDeployments(benchNamespace, func(d *appsv1.Deployment) bool { return !neverReady(d) && rolledOut(d) })
		rolledBack := r.watch.rolledBackNow()
		return back == r.n && rolledBack == r.n, fmt.Sprintf("%d of %d rolled back, %d Deployments back on the verified revision", rolledBack, r.n, back)
	}); err != nil {
		return 0, 0, 0, err
	}
	took := time.Since(start)
	counts, err := r.cluster.Audit.Count(start, time.Now())
	say("N=%d: rolled back in %s with %d writes; at most %d Deployments without an available pod", r.n, took.Round(100*time.Millisecond), counts.Writes, mostUnavailable)
	return took, counts.Writes, mostUnavailable, err
}

// neverReady: the Deployment's pods are the bad revision's.
func neverReady(d *appsv1.Deployment) bool {
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == localcluster.NeverReadyEnv {
				return true
			}
		}
	}
	return false
}

func (r *runN) timeRoll(ctx context.Context, what string, change func() error, changed func(*appsv1.Deployment) bool) (time.Duration, int, error) {
	say("N=%d: rolling every server after %s", r.n, what)
	start := time.Now()
	if err := change(); err != nil {
		return 0, 0, err
	}
	if err := r.waitUntil(ctx, "every Deployment rolled after "+what, func() (bool, string) {
		rolled := r.watch.countDeployments(benchNamespace, func(d *appsv1.Deployment) bool { return changed(d) && rolledOut(d) })
		ready := r.watch.readyNow()
		return rolled == r.n && ready == r.n, fmt.Sprintf("%d of %d rolled, %d Ready", rolled, r.n, ready)
	}); err != nil {
		return 0, 0, err
	}
	took := time.Since(start)
	counts, err := r.cluster.Audit.Count(start, time.Now())
	say("N=%d: rolled in %s with %d writes", r.n, took.Round(100*time.Millisecond), counts.Writes)
	return took, counts.Writes, err
}

// rolledOut: the Deployment's controller saw its latest spec, and only new pods run, all
// available.
func rolledOut(d *appsv1.Deployment) bool {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	s := d.Status
	return s.ObservedGeneration >= d.Generation && s.UpdatedReplicas == want && s.Replicas == want && s.AvailableReplicas == want
}

// waitUntil polls an in-memory condition (the watcher's caches) until it holds.
func (r *runN) waitUntil(ctx context.Context, what string, cond func() (bool, string)) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, patience, true, func(context.Context) (bool, error) {
		if err := r.cluster.Healthy(); err != nil {
			return false, err
		}
		var ok bool
		ok, last = cond()
		return ok, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for %s (%s): %w", what, last, err)
	}
	return nil
}
