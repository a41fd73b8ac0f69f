// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command bench measures the operator at scale on a local control plane (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kwok nodes), with the operator as a separate
// process and a local sample MCP server answering every handshake through --resolve. For each N
// it measures, in one run on one control plane:
//
//   - the floor: N Deployments and Services, as the operator would render them, created by a
//     plain client with no operator, until all are Available;
//   - the operator: N MCPServers created at once, until all are Ready (handshake included), with
//     the operator's peak RSS, CPU time and API requests (from the API server's audit log);
//   - API writes while idle (with re-verification running);
//   - the time to roll all N after an admin values change and after a shared ConfigMap change,
//     and to roll back a bad revision of all N (pods that never become ready).
//
// It writes docs/performance.md and docs/performance.svg, and keeps the operator's CPU and heap
// profiles in bin/bench. `make bench` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

type config struct {
	sizes        []int
	idle         time.Duration
	reverify     time.Duration
	qps          int
	burst        int
	report       string
	plot         string
	artifacts    string
	binDir       string
	creators     int
	skipRolls    bool
	rollsUpTo    int
	operatorArgs []string
}

func main() {
	var c config
	sizes := flag.String("n", "100,1000,5000", "Numbers of MCPServers to measure, comma-separated.")
	flag.DurationVar(&c.idle, "idle", 2*time.Minute, "Length of the idle window in which API writes are counted.")
	flag.DurationVar(&c.reverify, "reverify-interval", 2*time.Minute,
		"The operator's --reverify-interval, short enough that re-verification runs during the idle window.")
	flag.IntVar(&c.qps, "kube-api-qps", 0, "The operator's --kube-api-qps; 0 keeps its default.")
	flag.IntVar(&c.burst, "kube-api-burst", 0, "The operator's --kube-api-burst; 0 keeps its default.")
	flag.StringVar(&c.report, "report", "docs/performance.md", "Where to write the results.")
	flag.StringVar(&c.plot, "plot", "docs/performance.svg", "Where to write the plot.")
	flag.StringVar(&c.artifacts, "artifacts", "bin/bench", "Where to keep profiles and logs.")
	flag.IntVar(&c.creators, "creators", 16, "Parallel clients creating objects.")
	flag.BoolVar(&c.skipRolls, "skip-rolls", false, "Leave out the roll measurements (quicker runs while tuning).")
	flag.IntVar(&c.rollsUpTo, "rolls-up-to", 0, "Measure the rolls only for N up to this (0: every N); rolling 5000 verified servers takes long.")
	extra := flag.String("operator-args", "", "More flags for the operator, space-separated (for tuning).")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -n %q: want positive numbers\n", *sizes)
			os.Exit(2)
		}
		c.sizes = append(c.sizes, n)
	}
	c.operatorArgs = strings.Fields(*extra)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func say(format string, args ...any) {
	fmt.Printf("%s ==> %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, c config) error {
	root := testenv.RepoRoot()
	for _, p := range []*string{&c.report, &c.plot, &c.artifacts} {
		if !filepath.IsAbs(*p) {
			*p = filepath.Join(root, *p)
		}
	}
	for _, dir := range []string{c.artifacts, filepath.Dir(c.report), filepath.Dir(c.plot)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	c.binDir = filepath.Join(c.artifacts, "bin")
	say("Building the operator and the sample MCP server")
	if err := localcluster.BuildBinaries(ctx, c.binDir); err != nil {
		return err
	}
	if c.qps > 0 {
		c.operatorArgs = append(c.operatorArgs, fmt.Sprintf("--kube-api-qps=%d", c.qps))
	}
	if c.burst > 0 {
		c.operatorArgs = append(c.operatorArgs, fmt.Sprintf("--kube-api-burst=%d", c.burst))
	}
	say("Running the Go benchmarks of rendering and status")
	micro, err := goBenchmarks(ctx, root)
	if err != nil {
		return err
	}
	var results []result
	for _, n := range c.sizes {
		r, err := measure(ctx, c, n)
		if err != nil {
			return fmt.Errorf("N=%d: %w", n, err)
		}
		say("N=%d: floor %s, operator %s (%.2fx), %.1f writes per MCPServer, peak RSS %.0f MiB, idle writes %d",
			n, r.Floor.Round(100*time.Millisecond), r.AllReady.Round(100*time.Millisecond), r.ratio(), r.writesPerServer(), r.PeakRSSMiB, r.IdleWrites)
		results = append(results, r)
	}
	rep := report{Date: time.Now().UTC(), Machine: describeMachine(), Results: results, Micro: micro,
		Idle: c.idle, Reverify: c.reverify, OperatorArgs: c.operatorArgs, Artifacts: c.artifacts}
	if err := os.WriteFile(c.plot, []byte(plotSVG(results)), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(c.report, []byte(rep.markdown(root, c.report, c.plot)), 0o644); err != nil {
		return err
	}
	say("Wrote %s and %s", c.report, c.plot)
	return nil
}
