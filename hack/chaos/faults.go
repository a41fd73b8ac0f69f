// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
)

// Fault kinds, as the report names them.
const (
	faultKill      = "operator leader killed (SIGKILL)"
	faultAPIServer = "kube-apiserver killed and restarted"
	faultEtcd      = "etcd killed and restarted"
)

// injectFaults edits specs and flaps a server for the whole duration, and injects the scheduled
// faults at random moments in it. It returns with both replicas running and the flapping
// server up.
func (s *session) injectFaults(ctx context.Context) error {
	// Edits and flapping go on until the duration is over and every fault is injected (a kill
	// waits for the handover, so the schedule may run late).
	during, stop := context.WithCancel(ctx)
	defer stop()
	good := s.goodNamespace()
	// The editor, the flapping and the schedule each draw from their own stream of the seed.
	s.edits = &editor{c: s.cluster.Client, namespace: good.namespace, count: good.count, rng: seeded(s.cfg.seed + 1)}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.edits.run(during, s.cfg.editEvery) }()
	go func() { defer wg.Done(); s.flapServer(during, seeded(s.cfg.seed+2)) }()

	start := time.Now()
	err := s.runSchedule(ctx, start)
	if err == nil {
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(time.Until(start.Add(s.cfg.duration))):
		}
	}
	stop()
	wg.Wait()
	if err != nil {
		return err
	}
	say("Faults done: %d injected, %d spec edits (%d refused while the control plane was down), %d flaps",
		len(s.faults), s.edits.done.Load(), s.edits.fail.Load(), s.flaps)
	return s.flap.start()
}

// runSchedule injects each scheduled fault at its moment after start, or at once when the
// schedule runs late.
func (s *session) runSchedule(ctx context.Context, start time.Time) error {
	for _, f := range s.schedule() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Until(start.Add(f.at))):
		}
		if err := s.inject(ctx, f.kind); err != nil {
			return err
		}
	}
	return nil
}

// schedule spreads the faults at random moments over the middle of the duration.
func (s *session) schedule() []fault {
	var plan []fault
	add := func(kind string, n int) {
		for range n {
			at := time.Duration(float64(s.cfg.duration) * (0.05 + 0.8*s.rng.Float64()))
			plan = append(plan, fault{at: at, kind: kind})
		}
	}
	add(faultKill, s.cfg.kills)
	add(faultAPIServer, s.cfg.apiRestarts)
	add(faultEtcd, s.cfg.etcdRestarts)
	sort.Slice(plan, func(i, j int) bool { return plan[i].at < plan[j].at })
	return plan
}

func (s *session) inject(ctx context.Context, kind string) error {
	at := time.Since(s.started)
	var detail string
	switch kind {
	case faultKill:
		victim, err := leader(ctx, s.replicas, time.Minute)
		if err != nil {
			return err
		}
		holder := leaseHolder(ctx, s.cluster.Client)
		killed := time.Now()
		victim.kill()
		handover, err := waitForNewHolder(ctx, s.cluster.Client, holder)
		if err != nil {
			return err
		}
		s.handoversUnderLoad = append(s.handoversUnderLoad, handover)
		detail = fmt.Sprintf("%s; the Lease changed hands %s after the kill", victim.name, time.Since(killed).Round(100*time.Millisecond))
	case faultAPIServer, faultEtcd:
		program := localcluster.APIServer
		if kind == faultEtcd {
			program = localcluster.Etcd
		}
		down, err := s.cluster.RestartControlPlaneProgram(ctx, program)
		if err != nil {
			return err
		}
		detail = fmt.Sprintf("the API server answered again %s after the restart", down.Round(100*time.Millisecond))
	}
	s.faults = append(s.faults, fault{at: at, kind: kind, detail: detail})
	say("%s: %s", kind, detail)
	return nil
}

// flapServer stops and starts the flapping servers' endpoint every few seconds.
func (s *session) flapServer(ctx context.Context, rng *rand.Rand) {
	for up := true; ; up = !up {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(5000+rng.IntN(10000)) * time.Millisecond):
		}
		if up {
			s.flap.stop()
		} else if err := s.flap.start(); err != nil {
			say("starting the flapping server again: %v", err)
		}
		s.flaps++
	}
}

// checkGoroutines compares the leader's fewest goroutines over a window right after
// convergence with the fewest over a later window, re-verification (of hanging and slow servers
// too) running all along. Growth is a leak.
func (s *session) checkGoroutines(ctx context.Context) error {
	lead, err := leader(ctx, s.replicas, time.Minute)
	if err != nil {
		return err
	}
	window := 2 * s.cfg.reverify
	say("Counting %s's goroutines over two windows of %s", lead.name, window)
	if s.goroutinesBefore, err = fewestGoroutines(ctx, lead, window); err != nil {
		return err
	}
	if s.goroutinesAfter, err = fewestGoroutines(ctx, lead, window); err != nil {
		return err
	}
	s.checks.objects++
	if s.goroutinesAfter > s.goroutinesBefore+goroutineSlack {
		s.checks.fail("no goroutine growth", lead.name, "fewest goroutines %v, then %v", s.goroutinesBefore, s.goroutinesAfter)
	}
	return nil
}

// goroutineSlack allows for connections the HTTP client keeps alive between the windows.
const goroutineSlack = 10

func fewestGoroutines(ctx context.Context, r *replica, window time.Duration) (float64, error) {
	fewest := math.Inf(1)
	deadline := time.Now().Add(window)
	err := wait.PollUntilContextCancel(ctx, 2*time.Second, true, func(ctx context.Context) (bool, error) {
		v, ok := r.metric(ctx, "go_goroutines")
		if !ok {
			return false, fmt.Errorf("%s does not serve go_goroutines", r.name)
		}
		fewest = math.Min(fewest, v)
		return time.Now().After(deadline), nil
	})
	return fewest, err
}

// measureHandover kills the settled leader and times until the other replica holds the Lease,
// then counts what the new leader writes once it has reconciled and re-verified every server:
// work already correct must not be redone.
func (s *session) measureHandover(ctx context.Context) error {
	old, err := leader(ctx, s.replicas, time.Minute)
	if err != nil {
		return err
	}
	holder := leaseHolder(ctx, s.cluster.Client)
	say("Killing the settled leader %s to time the handover", old.name)
	killed := time.Now()
	old.kill()
	if s.handover, err = waitForNewHolder(ctx, s.cluster.Client, holder); err != nil {
		return err
	}
	for _, took := range append(s.handoversUnderLoad, s.handover) {
		s.checks.objects++
		if took > handoverLimit {
			s.checks.fail("leader handover within the lease duration", "Lease "+leaseName, "took %s", took)
		}
	}
	next, err := leader(ctx, s.replicas, time.Minute)
	if err != nil {
		return err
	}
	servers := 0
	for _, b := range s.behaviours {
		servers += b.count
	}
	say("%s leads after %s; waiting until it has re-verified all %d servers", next.name, s.handover.Round(100*time.Millisecond), servers)
	before, _ := next.metric(ctx, handshakesMetric)
	err = wait.PollUntilContextTimeout(ctx, time.Second, 5*time.Minute, true, func(ctx context.Context) (bool, error) {
		handshakes, _ := next.metric(ctx, handshakesMetric)
		return handshakes >= before+float64(servers), nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the new leader's handshakes: %w", err)
	}
	// Servers that fail go on being retried, and each retry updates their status's retry
	// count: that is new work, not work redone. The healthy servers' namespaces must see none.
	var healthy []string
	for _, b := range s.behaviours {
		if b.healthy {
			healthy = append(healthy, b.namespace)
		}
	}
	counts, err := s.cluster.Audit.Count(killed, time.Now(), healthy...)
	if err != nil {
		return err
	}
	s.writesAfterHandover = counts.WritesByResource
	s.checks.objects++
	if n := sum(s.writesAfterHandover); n > 0 {
		s.checks.fail("the new leader does not redo correct work", next.name, "%d writes: %v", n, s.writesAfterHandover)
	}
	return nil
}

// handshakesMetric counts the operator's MCP handshakes.
const handshakesMetric = "mcp_operator_handshake_duration_seconds_count"

// waitForNewHolder waits until someone other than holder holds the Lease, and returns how long
// that took.
func waitForNewHolder(ctx context.Context, c client.Client, holder string) (time.Duration, error) {
	start := time.Now()
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		h := leaseHolder(ctx, c)
		return h != "" && h != holder, nil
	})
	if err != nil {
		return 0, fmt.Errorf("waiting for another replica to take the Lease from %s: %w", holder, err)
	}
	return time.Since(start), nil
}

// The operator's leader election timing (controller-runtime's defaults, which main.go keeps).
// A replica killed with SIGKILL does not release its Lease, so another takes it only once it
// has expired: lease duration after the last renewal the candidate saw (before the kill), at the
// candidate's next try, which client-go spaces by the retry period with a jitter factor of 1.2.
const (
	leaseDuration = 15 * time.Second
	retryPeriod   = 2 * time.Second
	handoverLimit = leaseDuration + retryPeriod*22/10
)

func sum(m map[string]int) int {
	total := 0
	for _, v := range m {
		total += v
	}
	return total
}

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
