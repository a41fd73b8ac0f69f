// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// fault is one fault injected, when, and what it took.
type fault struct {
	at     time.Duration
	kind   string
	detail string
}

// session is one chaos run.
type session struct {
	cfg     config
	dir     string
	started time.Time
	rng     *rand.Rand

	cluster         *localcluster.Cluster
	stopSupervising func()
	behaviours      []behaviour
	flap            *sampleServer
	replicas        []*replica
	foreign         []client.Object
	records         []foreignRecord

	initialReady time.Duration
	faults       []fault
	edits        *editor
	flaps        int
	converged    time.Duration
	checks       checks

	goroutinesBefore, goroutinesAfter float64
	handover                          time.Duration
	handoversUnderLoad                []time.Duration
	writesAfterHandover               map[string]int
}

func (s *session) run(ctx context.Context) error {
	s.rng = seeded(s.cfg.seed)
	defer s.tearDown()
	if err := s.setUp(ctx); err != nil {
		return err
	}
	start := time.Now()
	if err := s.createServers(ctx); err != nil {
		return err
	}
	if err := s.waitConverged(ctx, 5*time.Minute); err != nil {
		return fmt.Errorf("before any fault: %w", err)
	}
	s.initialReady = time.Since(start)
	say("All %d MCPServers settled in %s; injecting faults for %s (seed %d)", s.cfg.servers, s.initialReady.Round(time.Second), s.cfg.duration, s.cfg.seed)
	if err := s.injectFaults(ctx); err != nil {
		return err
	}
	start = time.Now()
	if err := s.waitConverged(ctx, s.cfg.convergeTimeout); err != nil {
		s.checks.fail("converges after the faults", "all MCPServers", "%v", err)
	}
	s.converged = time.Since(start)
	say("Converged %s after the last fault; checking every object", s.converged.Round(time.Second))
	if err := s.check(ctx); err != nil {
		return err
	}
	if err := s.checkGoroutines(ctx); err != nil {
		return err
	}
	return s.measureHandover(ctx)
}

// setUp starts the control plane, the MCP endpoints of every behaviour, the foreign objects and
// two operator replicas.
func (s *session) setUp(ctx context.Context) error {
	say("Starting a local control plane")
	var err error
	s.cluster, err = localcluster.Start(ctx, localcluster.Options{Dir: s.dir, Nodes: 1, PodsPerNode: 1000, AuditUser: operatorUser})
	if err != nil {
		return err
	}
	good := newSampleServer(s.dir, s.cfg.binDir, "good")
	s.flap = newSampleServer(s.dir, s.cfg.binDir, "flap")
	for _, srv := range []*sampleServer{good, s.flap} {
		if err := srv.start(); err != nil {
			return err
		}
	}
	hostile := s.cfg.servers / 20
	s.behaviours = []behaviour{
		{namespace: "chaos-good", healthy: true, addr: good.addr, count: s.cfg.servers - 4*hostile},
		{namespace: "chaos-flap", healthy: true, addr: s.flap.addr, count: hostile},
	}
	for ns, serve := range map[string]func(context.Context, net.Listener){
		"chaos-hang": mcptest.Hang, "chaos-slowloris": mcptest.Slowloris, "chaos-garbage": mcptest.Garbage,
	} {
		addr, err := mcptest.StartHostile(ctx, serve)
		if err != nil {
			return err
		}
		s.behaviours = append(s.behaviours, behaviour{namespace: ns, addr: addr, count: hostile})
	}
	sort.Slice(s.behaviours, func(i, j int) bool { return s.behaviours[i].namespace < s.behaviours[j].namespace })
	var resolve []string
	for _, b := range append([]behaviour{{namespace: operatorNamespace}}, s.behaviours...) {
		if err := s.cluster.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: b.namespace}}); err != nil {
			return err
		}
		if b.addr != "" {
			resolve = append(resolve, fmt.Sprintf("*.%s.svc.cluster.local:8080:%s", b.namespace, b.addr))
		}
	}
	if err := s.createForeign(ctx); err != nil {
		return err
	}
	kubeconfig, err := s.cluster.UserKubeconfig(operatorUser, "system:masters")
	if err != nil {
		return err
	}
	for _, name := range []string{"operator-a", "operator-b"} {
		r := newReplica(s.dir, s.cfg.binDir, name, kubeconfig, resolve, s.cluster.OperatorWebhookArgs(), s.cfg.reverify)
		if err := r.start(); err != nil {
			return err
		}
		s.replicas = append(s.replicas, r)
	}
	supervised, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); supervise(supervised, s.replicas) }()
	s.stopSupervising = func() { stop(); <-done }
	_, err = leader(ctx, s.replicas, time.Minute)
	return err
}

func (s *session) tearDown() {
	if s.stopSupervising != nil {
		s.stopSupervising()
	}
	for _, r := range s.replicas {
		r.process().Stop(5 * time.Second)
	}
	if s.flap != nil {
		s.flap.stop()
	}
}

// createForeign creates the objects the operator must leave alone, and records them.
func (s *session) createForeign(ctx context.Context) error {
	s.foreign = foreignObjects(s.behaviours[0].namespace)
	for _, obj := range s.foreign {
		if err := s.cluster.Client.Create(ctx, obj); err != nil {
			return err
		}
		gvk, err := s.cluster.Client.GroupVersionKindFor(obj)
		if err != nil {
			return err
		}
		s.records = append(s.records, foreignRecord{kind: gvk.Kind, key: client.ObjectKeyFromObject(obj), uid: obj.GetUID(), generation: obj.GetGeneration()})
	}
	return nil
}

func (s *session) foreignIDs() map[string]bool {
	ids := map[string]bool{}
	for _, r := range s.records {
		ids[r.kind+" "+r.key.String()] = true
	}
	return ids
}

func (s *session) createServers(ctx context.Context) error {
	say("Creating %d MCPServers in %d namespaces, and one whose Deployment name is taken", s.cfg.servers, len(s.behaviours))
	for _, b := range s.behaviours {
		for i := range b.count {
			if err := s.cluster.Client.Create(ctx, chaosServer(b.namespace, i)); err != nil {
				return err
			}
		}
	}
	taken := chaosServer(s.behaviours[0].namespace, 0)
	taken.Name = takenName
	return s.cluster.Client.Create(ctx, taken)
}

// goodNamespace is where the edited servers and the foreign objects are.
func (s *session) goodNamespace() behaviour {
	return s.behaviours[slices.IndexFunc(s.behaviours, func(b behaviour) bool { return b.namespace == "chaos-good" })]
}

// waitConverged waits until every MCPServer's status describes its current spec and says Ready
// where the server is healthy and not Ready where it is not.
func (s *session) waitConverged(ctx context.Context, timeout time.Duration) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 2*time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		if err := s.cluster.Healthy(); err != nil {
			return false, err
		}
		pending := 0
		for _, b := range s.behaviours {
			snap, err := takeSnapshot(ctx, s.cluster.Client, b.namespace)
			if err != nil {
				last = err.Error()
				return false, nil
			}
			for _, srv := range snap.servers {
				if !settled(srv, b.healthy && srv.Name != takenName) {
					pending++
					last = fmt.Sprintf("%d MCPServers not settled, e.g. %s/%s: %s", pending, srv.Namespace, srv.Name, conditionSummary(srv))
				}
			}
		}
		return pending == 0, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for every MCPServer to settle (%s): %w", last, err)
	}
	return nil
}

// settled: the status describes the current generation, and Ready is what it should be.
func settled(srv mcpv1beta1.MCPServer, wantReady bool) bool {
	if srv.Status.ObservedGeneration != srv.Generation {
		return false
	}
	c := mcpv1alpha1.ReadyFrom(srv.Status.Conditions)
	if c == nil || c.ObservedGeneration != srv.Generation {
		return false
	}
	return (c.Status == metav1.ConditionTrue) == wantReady
}

func conditionSummary(srv mcpv1beta1.MCPServer) string {
	c := mcpv1alpha1.ReadyFrom(srv.Status.Conditions)
	if c == nil {
		return "no Ready condition"
	}
	return fmt.Sprintf("generation %d, Ready=%s %s (generation %d)", srv.Generation, c.Status, c.Reason, c.ObservedGeneration)
}

// check runs every check against the cluster as it is now.
func (s *session) check(ctx context.Context) error {
	foreign := s.foreignIDs()
	for _, b := range s.behaviours {
		snap, err := takeSnapshot(ctx, s.cluster.Client, b.namespace)
		if err != nil {
			return err
		}
		s.checks.checkOwnership(snap, foreign)
		s.checks.checkConverged(snap)
		s.checks.checkTruth(ctx, snap.servers, b)
		s.checks.checkTakenName(snap.servers)
	}
	s.checks.checkForeign(ctx, s.cluster.Client, s.records, s.foreign)
	return nil
}
